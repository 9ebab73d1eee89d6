// The prebuilt libduckdb.so lives outside the system library path: record where it is in the
// binary's rpath (and next to the binary, for a copied release) so no LD_LIBRARY_PATH is needed.
fn main() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    if std::env::var_os("CARGO_FEATURE_BUNDLED").is_some() {
        return;
    }
    if let Some(dir) = std::env::var_os("DUCKDB_LIB_DIR") {
        let dir = std::path::PathBuf::from(dir);
        if !dir.join("libduckdb.so").exists() {
            panic!(
                "{}/libduckdb.so is missing: run `make setup` (scripts/setup.sh) first",
                dir.display()
            );
        }
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN");
}
