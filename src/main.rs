//! The `nqs` command line: parses arguments, opens the project, calls one stage and prints its
//! summary. Each command is one file under `src/cli/`.

mod cli;

use clap::Parser;
use nqs::ids::withhold_iins;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`nqs schedule | head`) panics;
    // the default action ends the process quietly, as `head` expects.
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(code) => code,
        Err(e) => {
            // An error may quote a file name or a value: no IIN is printed, whatever its source.
            eprintln!("error: {}", withhold_iins(&e.to_string()));
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {}", withhold_iins(&cause.to_string()));
            }
            ExitCode::FAILURE
        }
    }
}
