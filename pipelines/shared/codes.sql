-- Scalar macros for codes as providers type them. Also callable in a source contract's
-- [transform] (ingest loads this file only; the other shared files read lake tables), with
-- the tables `codes` and `crosswalks`.

-- code_normal(t): a code made comparable: spaces, dots and dashes taken out, upper case, the
-- Cyrillic letters that look like Latin ones (А В Е К М Н О Р С Т Х У) read as Latin; NULL
-- when nothing is left.
create or replace macro code_normal(t) as
    nullif(translate(upper(regexp_replace(trim(t), '[\s.\-‐–—]', '', 'g')),
                     'АВЕКМНОРСТХУ', 'ABEKMHOPCTXY'), '');

-- code_padded(t, n): a code of n digits that a spreadsheet stored as a number, its leading
-- zeros restored; a code that is not all digits, or already longer, is left as code_normal
-- gives it (for the checks to refuse).
create or replace macro code_padded(t, n) as
    case when regexp_full_match(code_normal(t), '\d+') and length(code_normal(t)) < n
         then lpad(code_normal(t), n, '0')
         else code_normal(t) end;

-- kato_region(t): the region (or city of republican significance) of any KATO code: its
-- first two digits followed by seven zeros. NULL unless the code has nine digits.
create or replace macro kato_region(t) as
    case when regexp_full_match(code_normal(t), '\d{9}')
         then left(code_normal(t), 2) || '0000000' end;

-- nco_code(t): an NCO code in the form the classifier uses (НК РК 01-2017), whatever separators
-- were typed: 1 to 4 digits for the groups, NNNN-N for a group of occupations, NNNN-N-NNN for
-- an occupation (`2512 -1-002` and `25121002` are `2512-1-002`, `25111` is `2511-1`). Any
-- other shape is left as it was written, trimmed (`Х1000`, `2331-001`, `1-99-999`), for the
-- pattern check to refuse and the quarantine to show as the file has it.
create or replace macro nco_code(t) as
    case when regexp_full_match(code_normal(t), '\d{8}')
         then substr(code_normal(t), 1, 4) || '-' || substr(code_normal(t), 5, 1) || '-'
              || substr(code_normal(t), 6, 3)
         when regexp_full_match(code_normal(t), '\d{5}')
         then substr(code_normal(t), 1, 4) || '-' || substr(code_normal(t), 5, 1)
         when regexp_full_match(code_normal(t), '\d{1,4}')
         then code_normal(t)
         else nullif(trim(t), '') end;

-- nco_level(code): the level of the NCO tree a code's shape says, as НК РК 01-2017 names
-- them (its table 1): major group (`основная группа`, 1 digit), sub-major (`подгруппа`, 2),
-- minor (`малая группа`, 3), unit group (`начальная группа`, 4), group of occupations
-- (`группа занятий`, NNNN-N, e.g. `2511-1`), occupation (`занятие`, NNNN-N-NNN); NULL for
-- any other shape (an older vintage's six-digit code, a code of the `Х` group, a mistyped
-- code).
create or replace macro nco_level(code) as
    case when regexp_full_match(code, '\d') then 'major'
         when regexp_full_match(code, '\d{2}') then 'sub_major'
         when regexp_full_match(code, '\d{3}') then 'minor'
         when regexp_full_match(code, '\d{4}') then 'unit'
         when regexp_full_match(code, '\d{4}-\d') then 'occupation_group'
         when regexp_full_match(code, '\d{4}-\d-\d{3}') then 'occupation' end;

-- nco_major(code): the major group (one digit) of any NCO code of the current tree.
create or replace macro nco_major(code) as
    case when nco_level(code) is not null then left(code, 1) end;

-- text_trim(t): a name as published, without the spaces (no-break spaces too) an export left
-- before or after it; NULL when nothing is left.
create or replace macro text_trim(t) as
    nullif(regexp_replace(t, '^[\s\p{Z}\x{FEFF}]+|[\s\p{Z}\x{FEFF}]+$', '', 'g'), '');

-- number_text(t): a published figure as text DuckDB casts: spaces (also no-break) between
-- thousands removed, a decimal comma read as a point; the statistics' marks for no data
-- ("-", "–", "…", "x" confidential) give NULL.
create or replace macro number_text(t) as
    case when trim(t) in ('-', '–', '—', '…', '...', 'x', 'х', 'X', 'Х') then null
         else replace(regexp_replace(trim(t), '[\s\x{00A0}\x{202F}]', '', 'g'), ',', '.') end;

-- crosswalk_code(id, code): the code crosswalk `id` (`pipelines/crosswalks/<id>.toml`) maps
-- `code` to, by the pair with the longest `from` that the code starts with (a pair may name a
-- group of codes by their common prefix); NULL when no pair covers it.
create or replace macro crosswalk_code(id, code) as
    (select arg_max(x.to_code, length(x.from_code)) from crosswalks x
     where x.crosswalk = id and starts_with(code, x.from_code));
