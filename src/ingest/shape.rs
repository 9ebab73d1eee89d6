//! The declared reshaping of a file's table before its columns are checked (a contract's
//! `[transform]`): footnotes cut, a wide table turned long, columns derived, rows filtered.
//!
//! The table as read is loaded into DuckDB as Arrow text columns (one per header, plus `_row`,
//! the row a spreadsheet shows) and every step is DuckDB SQL the analyst writes, evaluated over
//! the whole table at once; the result comes back as text cells, so the checks, the quarantine
//! and the row numbers are the same as for any other file. Rows a step drops are counted by
//! step: nothing leaves without being counted.

use super::read::{RawRow, RawTable};
use crate::contract::{Catalog, Contract};
use duckdb::arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use duckdb::arrow::datatypes::{DataType, Field, Schema};
use duckdb::arrow::record_batch::RecordBatch;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The file of scalar macros (code normalisation, roll-up) a transform may call.
pub const CODES_SQL: &str = "shared/codes.sql";

/// Why a declared transform could not be applied to a file: the whole file stops, since
/// records made by half a transform would be read wrong.
#[derive(Debug, thiserror::Error)]
pub enum ShapeError {
    #[error("`transform.{step}` failed: {message}")]
    Step { step: String, message: String },
    #[error("`transform.unpivot.columns` matches no column of the file (its columns: {0})")]
    NothingToUnpivot(String),
    #[error("{path}: {message}")]
    Macros { path: String, message: String },
}

/// Rows a transform dropped, by the step that dropped them (`stop_at`, `filter`).
pub type Excluded = BTreeMap<String, u64>;

const ROW: &str = "_row";
const DEFECT: &str = "_defect";
const CELL: &str = "_cell";
const FILE: &str = "_file";

/// Applies `contract.transform` (if any) to `table`. The catalog gives the pipelines folder
/// (for the shared macros) and the code lists, which a transform reads as the table
/// `codes(list, code, name)`: one row per name of a code (kk, ru, en and its `aliases`), and
/// the crosswalks, table `crosswalks(crosswalk, from_code, to_code)`.
pub fn reshape(
    catalog: &Catalog,
    contract: &Contract,
    file: &str,
    table: RawTable,
) -> Result<(RawTable, Excluded), ShapeError> {
    let Some(transform) = &contract.transform else {
        return Ok((table, Excluded::new()));
    };
    let db = duckdb::Connection::open_in_memory().map_err(|e| step("load", e))?;
    // Files are reshaped in parallel already, one per thread.
    db.execute_batch("set threads = 1")
        .map_err(|e| step("load", e))?;
    load_codes(&db, catalog)?;
    let macros = catalog.root.join(CODES_SQL);
    if let Ok(sql) = std::fs::read_to_string(&macros) {
        db.execute_batch(&sql).map_err(|e| ShapeError::Macros {
            path: macros.display().to_string(),
            message: e.to_string(),
        })?;
    }
    let names = sql_names(contract, &table.headers);
    load(&db, &table, &names, file)?;
    let mut excluded = Excluded::new();
    let mut columns: Vec<String> = names.clone();

    if let Some(stop) = &transform.stop_at {
        let first: Option<i64> = db
            .query_row(
                &format!("select min({ROW}) from input where coalesce(({stop}), false)"),
                [],
                |r| r.get(0),
            )
            .map_err(|e| step("stop_at", e))?;
        if let Some(first) = first {
            let n = db
                .execute(&format!("delete from input where {ROW} >= {first}"), [])
                .map_err(|e| step("stop_at", e))?;
            excluded.insert("stop_at".into(), n as u64);
        }
    }
    let mut unpivoted = false;
    if let Some(u) = &transform.unpivot {
        let re = regex::Regex::new(&u.columns).map_err(|e| step("unpivot", e))?;
        let wide: Vec<usize> = (0..names.len())
            .filter(|i| re.is_match(table.headers[*i].trim()))
            .collect();
        if wide.is_empty() {
            return Err(ShapeError::NothingToUnpivot(
                table
                    .headers
                    .iter()
                    .map(|h| format!("`{}`", h.trim()))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        for new_name in [&u.name, &u.value] {
            let clash = (0..names.len())
                .filter(|i| !wide.contains(i))
                .find(|i| names[*i].to_lowercase() == new_name.to_lowercase());
            if let Some(i) = clash {
                return Err(ShapeError::Step {
                    step: "unpivot".into(),
                    message: format!(
                        "`{new_name}` is already a column of the file (`{}`): name the unpivoted \
                         columns otherwise",
                        table.headers[i].trim()
                    ),
                });
            }
        }
        if u.name.to_lowercase() == u.value.to_lowercase() {
            return Err(ShapeError::Step {
                step: "unpivot".into(),
                message: "`name` and `value` must differ".into(),
            });
        }
        let kept: Vec<String> = (0..names.len())
            .filter(|i| !wide.contains(i))
            .map(|i| quote(&names[i]))
            .collect();
        let headers: Vec<String> = wide
            .iter()
            .map(|i| format!("'{}'", table.headers[*i].trim().replace('\'', "''")))
            .collect();
        let values: Vec<String> = wide.iter().map(|i| quote(&names[*i])).collect();
        // A row whose value cells are all blank makes no record: counted, not lost.
        let empty: i64 = db
            .query_row(
                &format!(
                    "select count(*) from input where coalesce({}) is null",
                    values.join(", ")
                ),
                [],
                |r| r.get(0),
            )
            .map_err(|e| step("unpivot", e))?;
        if empty > 0 {
            excluded.insert("unpivot".into(), empty as u64);
        }
        let positions: Vec<String> = (0..wide.len()).map(|i| i.to_string()).collect();
        // Zipped unnests keep the columns' order, so the records of a row come out in the
        // order the file shows them; a blank cell is no record.
        let sql = format!(
            "create table next as select * from (select {ROW}, {DEFECT}, {FILE}, {kept}{comma} \
             unnest([{headers}]) as {name}, unnest([{values}]) as {value}, \
             unnest([{positions}]) as {CELL} from input) where {value} is not null",
            kept = kept.join(", "),
            comma = if kept.is_empty() { "" } else { "," },
            headers = headers.join(", "),
            values = values.join(", "),
            positions = positions.join(", "),
            name = quote(&u.name),
            value = quote(&u.value),
        );
        replace_input(&db, &sql).map_err(|e| step("unpivot", e))?;
        columns = (0..names.len())
            .filter(|i| !wide.contains(i))
            .map(|i| names[i].clone())
            .chain([u.name.clone(), u.value.clone()])
            .collect();
        unpivoted = true;
    }
    for d in &transform.derive {
        let exists = columns.iter().any(|c| c.eq_ignore_ascii_case(&d.name));
        let expr = format!("cast(({}) as varchar)", d.sql);
        let sql = if exists {
            format!(
                "create table next as select * replace ({expr} as {}) from input",
                quote(&d.name)
            )
        } else {
            columns.push(d.name.clone());
            format!(
                "create table next as select input.*, {expr} as {} from input",
                quote(&d.name)
            )
        };
        replace_input(&db, &sql).map_err(|e| step(&format!("derive `{}`", d.name), e))?;
    }
    if let Some(filter) = &transform.filter {
        let n = db
            .execute(
                &format!("delete from input where not coalesce(({filter}), false)"),
                [],
            )
            .map_err(|e| step("filter", e))?;
        if n > 0 {
            *excluded.entry("filter".into()).or_default() += n as u64;
        }
    }
    // A derived column named like a declared column takes its place: the file's column headed
    // with that name or an alias is dropped rather than read as a second candidate.
    let by_name: BTreeMap<&str, &str> = names
        .iter()
        .zip(&table.headers)
        .map(|(n, h)| (n.as_str(), h.as_str()))
        .collect();
    let shadowed: Vec<String> = transform
        .derive
        .iter()
        .filter_map(|d| contract.column(&d.name))
        .flat_map(|col| {
            columns
                .iter()
                .filter(|c| {
                    !c.eq_ignore_ascii_case(&col.name)
                        && by_name
                            .get(c.as_str())
                            .is_some_and(|h| crate::validate::names_column(col, h))
                })
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect();
    columns.retain(|c| !shadowed.contains(c));
    let order = if unpivoted {
        format!("{ROW}, {CELL}")
    } else {
        ROW.to_string()
    };
    let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    let sql = format!(
        "select {ROW}, {DEFECT}, {} from input order by {order}",
        list.join(", ")
    );
    let mut stmt = db.prepare(&sql).map_err(|e| step("result", e))?;
    let batches: Vec<RecordBatch> = stmt
        .query_arrow([])
        .map_err(|e| step("result", e))?
        .collect();
    // A column the file had keeps the header the file gave it (two columns headed alike
    // stay two, for the checks to refuse or pick by `occurrence`).
    let headers: Vec<String> = columns
        .iter()
        .map(|c| by_name.get(c.as_str()).map_or(c.clone(), |h| h.to_string()))
        .collect();
    let rows = records(&batches, columns.len());
    let encoding_defects = table
        .encoding_defects
        .into_iter()
        .filter(|(n, _)| rows.iter().any(|r| r.number == *n))
        .collect();
    Ok((
        RawTable {
            format: table.format,
            encoding: table.encoding,
            headers,
            rows,
            encoding_defects,
        },
        excluded,
    ))
}

fn step(step: &str, e: impl std::fmt::Display) -> ShapeError {
    ShapeError::Step {
        step: step.to_string(),
        message: without_quoted_values(&e.to_string()),
    }
}

/// DuckDB quotes the value it could not convert (`Could not convert string 'Имя 1' to INT32`);
/// a cell may be a name or an IIN, so every single-quoted text in its message is withheld.
fn without_quoted_values(message: &str) -> String {
    let re = regex::Regex::new(r"'[^'\n]*'").expect("valid pattern");
    re.replace_all(message, "'…'").into_owned()
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// DuckDB names for the file's columns: a header that names a declared column (by its name
/// or an alias, and the only one to) is called by the declared name, so that one expression
/// serves files headed `Месяц` or `Период`; any other by its header, trimmed; a blank one by
/// its letter (`column_C`); a repeated one (DuckDB names ignore case) gets `_2`, `_3`.
fn sql_names(contract: &Contract, headers: &[String]) -> Vec<String> {
    let declared = |h: &str| {
        let mut cols = contract
            .columns
            .iter()
            .filter(|c| crate::validate::names_column(c, h));
        let col = cols.next()?;
        let alone = headers
            .iter()
            .filter(|other| crate::validate::names_column(col, other))
            .count()
            == 1;
        (cols.next().is_none() && alone).then(|| col.name.clone())
    };
    // (name, whether it is the header as written): a name made up for a blank or `_` header
    // never takes one a header of the file has, so an expression naming that header reads it.
    let bases: Vec<(String, bool)> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let t = h.trim();
            if let Some(name) = declared(t) {
                (name, true)
            } else if t.is_empty() {
                (
                    format!("column_{}", crate::validate::column_letter(i)),
                    false,
                )
            } else if t.starts_with('_') {
                (format!("column{t}"), false)
            } else {
                (t.to_string(), true)
            }
        })
        .collect();
    let written: std::collections::BTreeSet<String> = bases
        .iter()
        .filter(|(_, as_written)| *as_written)
        .map(|(b, _)| b.to_lowercase())
        .collect();
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    bases
        .into_iter()
        .map(|(base, as_written)| {
            let mut name = base.clone();
            let mut n = 1;
            while taken.contains(&name.to_lowercase())
                || (!as_written && written.contains(&name.to_lowercase()))
            {
                n += 1;
                name = format!("{base}_{n}");
            }
            taken.insert(name.to_lowercase());
            name
        })
        .collect()
}

/// Loads the table into DuckDB's `input` as Arrow text columns.
fn load(
    db: &duckdb::Connection,
    table: &RawTable,
    names: &[String],
    file: &str,
) -> Result<(), ShapeError> {
    let mut fields = vec![
        Field::new(ROW, DataType::Int64, false),
        Field::new(DEFECT, DataType::Utf8, true),
        Field::new(FILE, DataType::Utf8, false),
    ];
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            table.rows.iter().map(|r| r.number as i64),
        )),
        Arc::new(StringArray::from_iter(
            table.rows.iter().map(|r| r.defect.as_deref()),
        )),
        Arc::new(StringArray::from_iter_values(
            table.rows.iter().map(|_| file),
        )),
    ];
    for (i, name) in names.iter().enumerate() {
        fields.push(Field::new(name, DataType::Utf8, true));
        arrays.push(Arc::new(StringArray::from_iter(
            table
                .rows
                .iter()
                .map(|r| r.cells.get(i).and_then(|c| c.as_deref())),
        )));
    }
    let columns: Vec<String> = names
        .iter()
        .map(|n| format!("{} varchar", quote(n)))
        .collect();
    db.execute_batch(&format!(
        "create table input ({ROW} bigint, {DEFECT} varchar, {FILE} varchar{}{})",
        if columns.is_empty() { "" } else { ", " },
        columns.join(", ")
    ))
    .map_err(|e| step("load", e))?;
    let batch =
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| step("load", e))?;
    let mut appender = db.appender("input").map_err(|e| step("load", e))?;
    appender
        .append_record_batch(batch)
        .map_err(|e| step("load", e))?;
    appender.flush().map_err(|e| step("load", e))
}

fn load_codes(db: &duckdb::Connection, catalog: &Catalog) -> Result<(), ShapeError> {
    db.execute_batch("create table codes (list varchar, code varchar, name varchar)")
        .map_err(|e| step("load", e))?;
    let mut appender = db.appender("codes").map_err(|e| step("load", e))?;
    for (id, list) in &catalog.code_lists {
        for c in &list.codes {
            let names = [&c.kk, &c.ru, &c.en].into_iter().chain(&c.aliases);
            for name in names.filter(|n| !n.is_empty()) {
                appender
                    .append_row([id.as_str(), c.code.as_str(), name.as_str()])
                    .map_err(|e| step("load", e))?;
            }
        }
    }
    appender.flush().map_err(|e| step("load", e))?;
    drop(appender);
    db.execute_batch(
        "create table crosswalks (crosswalk varchar, from_code varchar, to_code varchar)",
    )
    .map_err(|e| step("load", e))?;
    let mut appender = db.appender("crosswalks").map_err(|e| step("load", e))?;
    for x in catalog.crosswalks.values() {
        for pair in &x.pairs {
            appender
                .append_row([x.id.as_str(), pair.from.as_str(), pair.to.as_str()])
                .map_err(|e| step("load", e))?;
        }
    }
    appender.flush().map_err(|e| step("load", e))
}

fn replace_input(db: &duckdb::Connection, create_next: &str) -> duckdb::Result<()> {
    db.execute_batch(create_next)?;
    db.execute_batch("drop table input; alter table next rename to input")
}

/// The result batches back as rows of text cells (blank text is an empty cell, as read).
fn records(batches: &[RecordBatch], width: usize) -> Vec<RawRow> {
    let mut rows = Vec::new();
    for b in batches {
        let number = b
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("_row is bigint");
        let text = |i: usize| {
            b.column(i)
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("every column is varchar")
                .clone()
        };
        let defect = text(1);
        let cells: Vec<StringArray> = (0..width).map(|c| text(c + 2)).collect();
        for r in 0..b.num_rows() {
            rows.push(RawRow {
                number: number.value(r) as u64,
                cells: cells
                    .iter()
                    .map(|a| {
                        (!a.is_null(r))
                            .then(|| a.value(r).trim().to_string())
                            .filter(|t| !t.is_empty())
                    })
                    .collect(),
                defect: (!defect.is_null(r)).then(|| defect.value(r).to_string()),
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Derive, Transform, Unpivot};
    use crate::ingest::read::{Format, read_table_in};

    fn contract(transform: Transform) -> Contract {
        let mut c: Contract = toml::from_str(
            r#"id = "t"
version = 1
title = { kk = "т", ru = "т" }
provider = "p"
frequency = "annual"
files = ["t/*"]
partition = "none"
key = ["code"]
[[column]]
name = "code"
type = "string"
aliases = ["Код"]
"#,
        )
        .unwrap();
        c.transform = Some(transform);
        c
    }

    fn table(headers: &[&str], rows: &[&[&str]]) -> RawTable {
        RawTable {
            format: Format::Csv,
            encoding: None,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow {
                    number: i as u64 + 2,
                    cells: r
                        .iter()
                        .map(|c| (!c.is_empty()).then(|| c.to_string()))
                        .collect(),
                    defect: None,
                })
                .collect(),
            encoding_defects: BTreeMap::new(),
        }
    }

    fn catalog() -> Catalog {
        Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines")).unwrap()
    }

    fn cells(t: &RawTable) -> Vec<(u64, Vec<String>)> {
        t.rows
            .iter()
            .map(|r| {
                (
                    r.number,
                    r.cells
                        .iter()
                        .map(|c| c.clone().unwrap_or_default())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn parents_by_internal_id_become_parent_codes_and_filtered_rows_are_counted() {
        let t = table(
            &["ID", "PARENT_ID", "Код", "IS_ACTUAL"],
            &[
                &["10", "", "2", "1"],
                &["7", "10", "25", "1"],
                &["3", "7", "2 5.1", "1"],
                &["4", "7", "241203", "0"],
                &["5", "99", "25", "1"],
            ],
        );
        let c = contract(Transform {
            derive: vec![
                Derive {
                    name: "code".into(),
                    sql: "code_normal(code)".into(),
                },
                Derive {
                    name: "parent_code".into(),
                    sql: r#"(select min(p.code) from input p where p."ID" = input."PARENT_ID")"#
                        .into(),
                },
            ],
            filter: Some(r#""IS_ACTUAL" = '1'"#.into()),
            ..Transform::default()
        });
        let (out, excluded) = reshape(&catalog(), &c, "t/x.csv", t).unwrap();
        // `Код` names the declared `code` (an alias): expressions call it `code`, and the
        // derived value takes its place.
        assert_eq!(
            out.headers,
            ["ID", "PARENT_ID", "Код", "IS_ACTUAL", "parent_code"]
        );
        assert_eq!(
            cells(&out),
            [
                (2, strs(&["10", "", "2", "1", ""])),
                (3, strs(&["7", "10", "25", "1", "2"])),
                (4, strs(&["3", "7", "251", "1", "25"])),
                (6, strs(&["5", "99", "25", "1", ""])),
            ]
        );
        assert_eq!(excluded, BTreeMap::from([("filter".to_string(), 1)]));
    }

    fn strs(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_wide_table_under_merged_headers_becomes_records_and_footnotes_are_cut() {
        // Row 1 a title, rows 2–3 the header (`Годы` over the years, `Регион` over two rows),
        // region names only on the first row of their block, a total row and two footnotes.
        let text = "Численность занятых\n\
                    Регион;Группа;Годы;\n\
                    ;;2024;2025\n\
                    Абай;1;12,5;13\n\
                    ;2;x;4,1\n\
                    ;3;;\n\
                    Всего;;20;21\n\
                    Примечание: оценка;;;\n\
                    * предварительные данные;;;\n";
        let layout = crate::ingest::read::Layout {
            header: crate::ingest::read::HeaderRow::Declared(2),
            header_rows: 2,
            ..Default::default()
        };
        let t = read_table_in(std::path::Path::new("x.csv"), text.as_bytes(), &layout).unwrap();
        assert_eq!(t.headers, ["Регион", "Группа", "Годы 2024", "Годы 2025"]);
        let c = contract(Transform {
            stop_at: Some(r#""Регион" like 'Примечание%'"#.into()),
            unpivot: Some(Unpivot {
                columns: r"\d{4}$".into(),
                name: "year".into(),
                value: "employed".into(),
            }),
            derive: vec![
                Derive {
                    name: "year".into(),
                    sql: r"regexp_extract(year, '\d{4}')".into(),
                },
                Derive {
                    name: "employed".into(),
                    sql: "number_text(employed)".into(),
                },
            ],
            filter: Some(r#""Регион" is distinct from 'Всего'"#.into()),
        });
        let (out, excluded) = reshape(&catalog(), &c, "t/x.csv", t).unwrap();
        assert_eq!(out.headers, ["Регион", "Группа", "year", "employed"]);
        assert_eq!(
            cells(&out),
            [
                (4, strs(&["Абай", "1", "2024", "12.5"])),
                (4, strs(&["Абай", "1", "2025", "13"])),
                (5, strs(&["", "2", "2024", ""])),
                (5, strs(&["", "2", "2025", "4.1"])),
            ]
        );
        assert_eq!(
            excluded,
            BTreeMap::from([
                ("filter".to_string(), 2),
                ("stop_at".to_string(), 2),
                // Group 3's row has no value in any year: no record, but counted.
                ("unpivot".to_string(), 1)
            ])
        );
    }

    #[test]
    fn a_made_up_name_never_takes_a_header_the_file_has() {
        let c = contract(Transform::default());
        let headers = ["_row", "column_row", "", "x", "X"].map(String::from);
        assert_eq!(
            sql_names(&c, &headers),
            ["column_row_2", "column_row", "column_C", "x", "X_2"]
        );
    }

    #[test]
    fn a_failing_cast_names_the_step_never_the_cell() {
        let c = contract(Transform {
            derive: vec![Derive {
                name: "n".into(),
                sql: "cast(x as integer)".into(),
            }],
            ..Transform::default()
        });
        let e = reshape(
            &catalog(),
            &c,
            "t/x.csv",
            table(&["x"], &[&["Сапарова Айгүл"]]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("derive `n`"), "{e}");
        assert!(!e.contains("Сапарова"), "{e}");
    }

    #[test]
    fn a_failing_expression_names_its_step() {
        let c = contract(Transform {
            derive: vec![Derive {
                name: "code".into(),
                sql: "no_such_function(x)".into(),
            }],
            ..Transform::default()
        });
        let e = reshape(&catalog(), &c, "t/x.csv", table(&["x"], &[&["1"]])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("`transform.derive `code`` failed"),
            "{e}"
        );
        let c = contract(Transform {
            unpivot: Some(Unpivot {
                columns: r"^\d{4}$".into(),
                name: "year".into(),
                value: "v".into(),
            }),
            ..Transform::default()
        });
        let e = reshape(
            &catalog(),
            &c,
            "t/x.csv",
            table(&["a", "b"], &[&["1", "2"]]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("matches no column"), "{e}");
    }
}
