//! Import against hostile and huge files, who may import what, and an import as one
//! batch. The files are made here (`allot_tests::hostile`); each refusal must come
//! before the work it bounds, so the worker answers a 4xx naming the limit and stays up.

use allot_tests::harness::Suite;
use allot_tests::hostile;
use allot_tests::{Answer, Server, ServerOptions, TEST_SECRET};
use serde_json::json;
use shared::import::{MAX_COLUMNS, MAX_DECOMPRESSED_BYTES, MAX_IMPORT_BYTES, MAX_PART_BYTES, MAX_REP_ROWS, MAX_ROWS, MAX_SHARED_STRINGS};

use super::*;

/// This file's cases.
pub fn cases(suite: Suite<World>) -> Suite<World> {
    suite
        .case("import_gbk_csv_dry_run_real_and_again", import_gbk)
        .case("import_xlsx_with_bad_rows", import_xlsx)
        .case("import_limits_answer_413_before_the_work", limits)
        .case("import_rep_owns_what_they_import_managers_import_lists", who_may_import)
        .case("export_round_trip", export_round_trip)
        .restarting("import_takeovers_and_inserts_are_one_batch", one_batch)
        .case("a_reps_dry_run_never_probes_stored_contacts", a_reps_dry_run_never_probes_stored_contacts)
        .case("import_owner_column_within_the_importers_reach", owner_column)
        .case("import_tier_labels_and_the_template", tier_labels_and_template)
}

const BAD_ROWS_CSV: &str = "客户名称,电话,公司,行业,地区,预计金额,客户价值\n\
导入甲,135 0000 0001,甲公司,制造业,江苏,10万,大客户\n\
导入乙,135 0000 0002,乙公司,零售业,广东,5000,普通客户\n\
,135 0000 0003,,,,,\n\
导入丁,电话坏了,丁公司,采矿业,火星,abc,金牌\n\
导入戊,+86 135 0000 0001,戊公司,,,,\n\
导入己,135 0000 0006,己公司,Retail,Shanghai,\"1,000\",potential\n";

pub fn import_gbk(w: &mut World) {
    let (gbk, _, _) = encoding_rs::GBK.encode(BAD_ROWS_CSV);
    let before = count(&w.wang, "owner=me");
    let dry = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", &gbk);
    assert_eq!(dry.status, 200, "{}", dry.text);
    let b = &dry.body;
    assert_eq!((b["dry_run"].as_bool(), b["rows"].as_u64(), b["created"].as_u64()), (Some(true), Some(6), Some(0)));
    let error_lines: Vec<u64> = b["errors"].as_array().unwrap().iter().filter_map(|e| e["line"].as_u64()).collect();
    assert_eq!(error_lines, vec![4, 5]);
    let bad_paths: Vec<&str> = b["errors"][1]["errors"].as_array().unwrap().iter().filter_map(|e| e["path"].as_str()).collect();
    assert_eq!(bad_paths, vec!["amount", "tier", "phone", "industry", "region"]);
    assert_eq!(b["duplicates"], json!([{"line": 6, "field": "phone", "same_as_line": 2}]));
    assert_eq!(count(&w.wang, "owner=me"), before, "a dry run writes nothing");

    let real = w.wang.send("POST", "/api/v1/customers/import", "text/csv", &gbk);
    assert_eq!(real.body["created"], json!(3), "{}", real.text);
    assert_eq!(count(&w.wang, "owner=me"), before + 3);
    let names: Vec<String> = w.wang.get("/api/v1/customers?owner=me&q=导入").body["items"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str().map(String::from)).collect();
    assert!(names.contains(&"导入甲".to_string()) && names.contains(&"导入己".to_string()), "{names:?}");
    let again = w.wang.send("POST", "/api/v1/customers/import", "text/csv", &gbk);
    assert_eq!(again.body["created"], json!(0), "{}", again.text);
    assert_eq!(again.body["duplicates"].as_array().map(Vec::len), Some(4));
    assert_eq!(count(&w.wang, "owner=me"), before + 3, "the same file twice creates nothing new");
    // Each imported customer has its audit event in the same batch: visible via the owner.
    let imported = w.wang.get("/api/v1/customers?owner=me&q=导入甲").body;
    assert_eq!(imported["items"][0]["created_by"], json!("rep-wang"));
}

pub fn import_xlsx(w: &mut World) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["Name", "Mobile", "Company", "Industry", "Amount"],
        ["XLSX One", "13400000001", "XLSX One Ltd", "Finance", "1000"],
        ["", "", "", "", ""],
        ["XLSX Bad", "x", "XLSX Bad Inc", "Finance", "lots"],
        ["XLSX Two", "13400000002", "XLSX Two Co", "Retail", "2000"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let dry = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", ct, &bytes);
    assert_eq!((dry.body["rows"].as_u64(), dry.body["created"].as_u64()), (Some(3), Some(0)), "{}", dry.text);
    assert_eq!(dry.body["errors"][0]["line"], json!(4));
    let real = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", ct, &bytes);
    assert_eq!(real.body["created"], json!(2), "{}", real.text);
    let again = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", ct, &bytes);
    assert_eq!(again.body["created"], json!(0));
    assert_eq!(w.admin.get("/api/v1/customers?owner=pool&q=XLSX").body["items"].as_array().map(Vec::len), Some(2));
    // Not a spreadsheet at all.
    let junk = w.admin.send("POST", "/api/v1/customers/import", ct, b"PK\x03\x04 not really a zip");
    assert_eq!((junk.status, junk.code()), (400, "unreadable_file"));
    let wrong_type = w.admin.send("POST", "/api/v1/customers/import", "image/png", b"x");
    assert_eq!(wrong_type.status, 415);
}

pub fn export_round_trip(w: &mut World) {
    let answer = w.wang.get("/api/v1/customers/export?owner=me");
    assert_eq!(answer.status, 200);
    assert!(answer.content_type.starts_with("text/csv"), "{}", answer.content_type);
    assert!(answer.text.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let lines = answer.text.lines().count() - 1;
    assert_eq!(lines, count(&w.wang, "owner=me"));
    assert!(answer.text.contains("导入甲") && answer.text.contains("制造业"));
    // Import the export back: every row is a duplicate, nothing new.
    let back = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", answer.text.as_bytes());
    assert_eq!(back.status, 200, "{}", back.text);
    assert_eq!((back.body["rows"].as_u64(), back.body["errors"].as_array().map(Vec::len)), (Some(lines as u64), Some(0)), "{}", back.text);
    assert_eq!(back.body["duplicates"].as_array().map(Vec::len), Some(lines));
    // Into another tenant, the owner column (负责人) names nobody there: every row says so.
    let strangers = w.acme.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", answer.text.as_bytes());
    let codes: Vec<&str> = strangers.body["errors"].as_array().unwrap().iter().filter_map(|e| e["errors"][0]["code"].as_str()).collect();
    assert_eq!(codes, vec!["unknown_owner"; lines], "{}", strangers.text);
    // Without that column, the same file creates every row, with the same values.
    let unowned = answer.text.replacen("负责人", "原负责人", 1);
    let fresh = w.acme.send("POST", "/api/v1/customers/import", "text/csv", unowned.as_bytes());
    assert_eq!(fresh.body["created"].as_u64(), Some(lines as u64), "{}", fresh.text);
    let copy = w.acme.get("/api/v1/customers?q=导入甲").body;
    assert_eq!((copy["items"][0]["industry"].as_str(), copy["items"][0]["region"].as_str(), copy["items"][0]["amount"].as_f64()), (Some("manufacturing"), Some("east"), Some(100_000.0)));
    // English headers work too.
    let en = w.wang.get("/api/v1/customers/export?owner=me&lang=en");
    assert!(en.text.starts_with("\u{feff}Name,Company"));
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn refused(answer: &Answer, status: u16, code: &str, limit: u64) {
    assert_eq!((answer.status, answer.code()), (status, code), "{}", answer.text);
    error_shape(answer);
    assert_eq!(answer.body["error"]["details"]["limit"], json!(limit), "{}", answer.text);
    assert!(answer.body["error"]["message"].as_str().unwrap_or("").contains(&limit.to_string()), "the message names the limit: {}", answer.text);
}

/// Every limit answers its 413 before the work: rows, columns, bytes, an XLSX's declared
/// range, unpacked size, shared strings and styles. None of these files creates anything, and
/// the worker answers the next request.
pub fn limits(w: &mut World) {
    let before = count(&w.admin, "owner=any");
    let import = |ct: &str, body: &[u8]| w.admin.send("POST", "/api/v1/customers/import", ct, body);

    // 200,000 short rows (1.4 MB): refused at row 20,001, not after reading them all
    // (it took 67 s to answer when lines were counted from the start for every row).
    let mut csv = String::from("name\n");
    for i in 0..200_000 {
        csv.push_str(&format!("c{i}\n"));
    }
    refused(&import("text/csv", csv.as_bytes()), 413, "too_many_rows", MAX_ROWS as u64);

    // A header with more named columns than allowed, and one with a million.
    let wide: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("col{i}")).collect();
    refused(&import("text/csv", format!("name,{}\nA,1\n", wide.join(",")).as_bytes()), 413, "too_many_columns", MAX_COLUMNS as u64);
    let million = format!("name{}\nA\n", ",x".repeat(1_000_000));
    refused(&import("text/csv", million.as_bytes()), 413, "too_many_columns", MAX_COLUMNS as u64);

    // More bytes than an import may send.
    let huge = vec![b'a'; MAX_IMPORT_BYTES + 1];
    let answer = import("text/csv", &huge);
    assert_eq!((answer.status, answer.code()), (413, "too_large"), "{}", answer.text);
    assert!(answer.text.contains(&MAX_IMPORT_BYTES.to_string()), "{}", answer.text);

    // The same without a Content-Length (chunked): cut off as it arrives.
    let streamed = chunked_post(w, "/api/v1/customers/import", MAX_IMPORT_BYTES + (1 << 20));
    assert!(streamed.starts_with("HTTP/1.1 413") && streamed.contains("too_large"), "{}", streamed.chars().take(300).collect::<String>());

    // 2 KB of XLSX with cells A1 and XFD1048576 (the 500 "the Worker's code had hung").
    let corners = hostile::corner_cells();
    assert!(corners.len() < 8_000, "{} bytes", corners.len());
    refused(&import(XLSX, &corners), 413, "too_many_columns", MAX_COLUMNS as u64);

    // A zip bomb: a shared-string table of 200 MiB in about a megabyte.
    let bomb = hostile::shared_strings_bomb(200);
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    refused(&import(XLSX, &bomb), 413, "decompressed_too_large", MAX_DECOMPRESSED_BYTES);
    // A shared-string table announcing two billion strings (calamine reserves them).
    refused(&import(XLSX, &hostile::announced_strings(2_000_000_000)), 413, "decompressed_too_large", MAX_SHARED_STRINGS as u64);
    // Ten million empty cell formats (50 MB unpacked, within the total): calamine keeps a
    // style object for each.
    let styles = hostile::styles_bomb(10);
    assert!(styles.len() < 1 << 20, "{} bytes", styles.len());
    refused(&import(XLSX, &styles), 413, "decompressed_too_large", MAX_PART_BYTES);

    // A cell of a million tags is an error of its row (before it is split), not a list.
    let tags = "标签,".repeat(1_000_000);
    let long = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", format!("客户名称,标签\n长标签,\"{tags}\"\n").as_bytes());
    assert_eq!((long.status, long.body["errors"][0]["line"].as_u64()), (200, Some(2)), "{}", long.text.chars().take(300).collect::<String>());
    assert_eq!((long.body["errors"][0]["errors"][0]["path"].as_str(), long.body["errors"][0]["errors"][0]["code"].as_str()), (Some("tags"), Some("too_long")));

    // The builder's own files are readable: the same workbook, rebuilt by hand, and one
    // announcing what it holds.
    let rebuilt = hostile::zip_of(&hostile::parts_of(&hostile::workbook(3)));
    let dry = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", XLSX, &rebuilt);
    assert_eq!((dry.status, dry.body["rows"].as_u64()), (200, Some(3)), "{}", dry.text);
    let honest = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", XLSX, &hostile::announced_strings(3));
    assert_eq!((honest.status, honest.body["rows"].as_u64()), (200, Some(2)), "{}", honest.text);

    assert_eq!(w.admin.get("/api/v1/health").status, 200, "the worker is still up");
    assert_eq!(count(&w.admin, "owner=any"), before, "no refused file created anything");
}

/// Managers and admins import the team's lists (into the pool too); a rep imports their
/// own book of contacts: as their own customers, up to MAX_REP_ROWS rows.
pub fn who_may_import(w: &mut World) {
    let csv = |n: usize, tag: &str| {
        let mut csv = String::from("客户名称,电话\n");
        for i in 0..n {
            csv.push_str(&format!("{tag}{i},1378{i:07}\n"));
        }
        csv
    };
    let to_pool = w.wang.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", csv(2, "代入公海").as_bytes());
    assert_eq!((to_pool.status, to_pool.code()), (403, "forbidden"), "{}", to_pool.text);
    let dry_to_pool = w.wang.send("POST", "/api/v1/customers/import?to_pool=true&dry_run=true", "text/csv", csv(2, "代入公海").as_bytes());
    assert_eq!(dry_to_pool.status, 403, "{}", dry_to_pool.text);

    let big = csv(MAX_REP_ROWS + 1, "大名单");
    refused(&w.wang.send("POST", "/api/v1/customers/import", "text/csv", big.as_bytes()), 413, "too_many_rows", MAX_REP_ROWS as u64);
    let managers = w.manager.send("POST", "/api/v1/customers/import?to_pool=true&dry_run=true", "text/csv", big.as_bytes());
    assert_eq!((managers.status, managers.body["rows"].as_u64()), (200, Some(MAX_REP_ROWS as u64 + 1)), "{}", managers.text);

    let own = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv(3, "自己的名单").as_bytes());
    assert_eq!((own.status, own.body["created"].as_u64()), (200, Some(3)), "{}", own.text);
    let mine = w.wang.get("/api/v1/customers?owner=me&q=自己的名单").body;
    let owners: Vec<&str> = mine["items"].as_array().map(|a| a.iter().filter_map(|c| c["owner"].as_str()).collect()).unwrap_or_default();
    assert_eq!(owners, vec!["rep-wang"; 3], "a rep's import is theirs");
}

/// An import's takeovers and inserts are one batch: when the inserts fail (a trigger
/// makes one row fail, standing in for any failure of the database), the takeover the
/// ownership rule granted is rolled back with them.
pub fn one_batch(w: &mut World) {
    let set_rule = |w: &World, rule: &str| {
        let mut s = w.admin.get("/api/v1/settings").body;
        s["ownership_rule"] = json!(rule);
        assert_eq!(w.admin.put("/api/v1/settings", &s).status, 200);
    };
    // 陈静 owns a customer in the east, which 王芳 covers and 陈静 does not: under the
    // region rule, 王芳's import takes it over.
    let east = created(&w.chen, json!({"name": "整批接管客户", "phone": "13977770001", "region": "east"}));
    let id = east["id"].as_str().unwrap_or_default().to_string();
    set_rule(w, "region");
    let csv = "客户名称,电话,地区\n整批再录,13977770001,east\n整批新客户,13977770002,east\n";
    let owner = |w: &World| w.admin.get(&format!("/api/v1/customers/{id}")).body["owner"].clone();
    let takeovers = |w: &World| {
        let audit = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
        audit["items"].as_array().map(|a| a.iter().filter(|e| e["action"] == json!("take_over")).count()).unwrap_or(0)
    };

    restart_with(w, "CREATE TRIGGER import_fails BEFORE INSERT ON customers WHEN NEW.name = '整批新客户' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    let failed = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert!(failed.status >= 500, "the injected failure fails the import: {} {}", failed.status, failed.text);
    error_shape(&failed);
    assert_eq!(owner(w), json!("rep-chen"), "the takeover was rolled back with the inserts");
    assert_eq!(takeovers(w), 0, "and so was its audit row");
    assert_eq!(w.wang.get("/api/v1/customers?owner=me&q=整批新客户").body["items"].as_array().map(Vec::len), Some(0));

    restart_with(w, "DROP TRIGGER import_fails;");
    let real = w.wang.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!((real.status, real.body["created"].as_u64(), real.body["taken_over"].as_u64()), (200, Some(1), Some(1)), "{}", real.text);
    assert_eq!(real.body["duplicates"], json!([{"line": 2, "field": "phone", "taken_over": id}]));
    assert_eq!((owner(w), takeovers(w)), (json!("rep-wang"), 1));
    set_rule(w, "first_entry");
}

/// POSTs `total` bytes of CSV with `Transfer-Encoding: chunked` (no Content-Length) and
/// returns the raw answer (the server may answer and close before the body is through).
fn chunked_post(w: &World, path: &str, total: usize) -> String {
    use std::io::{Read, Write};
    let host = w.server.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&host).expect("connect");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(60))).expect("timeout");
    let token = w.admin.token.clone().unwrap_or_default();
    let head = format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).expect("head");
    let chunk = vec![b'a'; 64 << 10];
    let mut sent = 0;
    while sent < total {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&frame).is_err() {
            break; // the server answered and closed
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// Stops the server, runs `sql` on its D1 state, and starts it again.
fn restart_with(w: &mut World, sql: &str) {
    let persist = w.server.persist.clone();
    w.server.stop();
    let file = persist.with_extension("import-batch.sql");
    std::fs::write(&file, sql).expect("write the sql");
    allot_tests::execute_sql_file(&persist, &file).expect("run the sql");
    let server = Server::start(ServerOptions { persist, port: allot_tests::free_port(), secret: TEST_SECRET.into(), inherit_output: false, log_level: "log" }).expect("restart");
    *w = World::new(server);
}

/// A rep's dry run compares the file only with the customers whose contacts the rep sees:
/// which of a thousand guessed phones it reported as taken would give a masked pool phone
/// away, with nothing written. Their own customers it still reports; a manager's dry run
/// reports every collision.
pub fn a_reps_dry_run_never_probes_stored_contacts(w: &mut World) {
    let pooled = w.admin.send("POST", "/api/v1/customers/import?to_pool=true", "text/csv", "客户名称,电话\n探测目标,13686420001\n".as_bytes());
    assert_eq!(pooled.body["created"], json!(1), "{}", pooled.text);
    let guesses: String = (0..MAX_REP_ROWS).map(|i| format!("猜测{i:04},1368642{i:04}\n")).collect();
    let file = format!("客户名称,电话\n{guesses}");
    let rep = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", file.as_bytes());
    assert_eq!(rep.status, 200, "{}", rep.text);
    assert_eq!(rep.body["duplicates"], json!([]), "the rep's dry run names no hidden pool customer");
    assert_eq!(rep.body["valid"], json!(MAX_REP_ROWS));
    let own = created(&w.wang, json!({"name": "自己的客户", "phone": "13686429999"}));
    assert!(own["id"].is_string());
    let mine = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", "客户名称,电话\n再录一次,13686429999\n".as_bytes());
    assert_eq!(mine.body["duplicates"], json!([{"line": 2, "field": "phone"}]), "their own customers still are: {}", mine.text);
    let manager = w.manager.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", file.as_bytes());
    assert_eq!(manager.body["duplicates"], json!([{"line": 3, "field": "phone"}]), "{}", manager.text);
}

fn error_codes(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["errors"].as_array().unwrap().iter().map(move |f| (e["line"].as_u64().unwrap(), f["path"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string())))
        .collect()
}

/// The owner column (负责人) gives each row to the user it names, within the importer's
/// reach: a manager names their team (李娜 leads sales1), a rep only themselves; anyone
/// else, an unknown or ambiguous name is a row error, in the dry run as in the import.
pub fn owner_column(w: &mut World) {
    let csv = "客户名称,电话,负责人\n\
               带负责人甲,13777000001,王芳\n\
               带负责人乙,13777000002,Emily Chen\n\
               带负责人丙,13777000003,查无此人\n\
               带负责人丁,13777000004,rep-liu\n\
               带负责人戊,13777000005,\n";
    let dry = w.manager.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!(dry.status, 200, "{}", dry.text);
    let expected = vec![(3, "owner".to_string(), "owner_out_of_scope".to_string()), (4, "owner".to_string(), "unknown_owner".to_string())];
    assert_eq!(error_codes(&dry.body), expected, "{}", dry.text);
    assert_eq!(dry.body["valid"], json!(3));
    assert!(dry.body["columns"].as_array().unwrap().contains(&json!({"header": "负责人", "field": "owner"})), "the report maps headers to fields: {}", dry.body["columns"]);
    let real = w.manager.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!((real.status, real.body["created"].as_u64(), real.body["assigned"].as_u64()), (200, Some(3), Some(2)), "{}", real.text);
    assert_eq!(error_codes(&real.body), expected, "the import refuses the same rows");
    let owner_of = |name: &str| w.admin.get(&format!("/api/v1/customers?q={name}")).body["items"][0]["owner"].clone();
    assert_eq!((owner_of("带负责人甲"), owner_of("带负责人丁"), owner_of("带负责人戊")), (json!("rep-wang"), json!("rep-liu"), json!("mgr-li")));
    assert_eq!(w.admin.get("/api/v1/customers?q=带负责人乙").body["items"], json!([]), "a refused row is not imported under anyone");
    let id = w.admin.get("/api/v1/customers?q=带负责人甲").body["items"][0]["id"].as_str().unwrap().to_string();
    let trail = w.admin.get(&format!("/api/v1/audit?customer={id}")).body;
    assert_eq!(
        (trail["items"][0]["action"].as_str(), trail["items"][0]["to"].as_str(), trail["items"][0]["rule"].as_str()),
        (Some("import"), Some("rep-wang"), Some("import:owner_column")),
        "{trail}"
    );
    // An admin names anyone active, in any team.
    let admins = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!(error_codes(&admins.body), vec![(4, "owner".to_string(), "unknown_owner".to_string())], "{}", admins.text);
    // A rep names only themselves.
    let reps = "客户名称,电话,所属销售\n销售自己的,13777000011,王芳\n销售别人的,13777000012,陈静\n";
    let rep = w.wang.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", reps.as_bytes());
    assert_eq!(error_codes(&rep.body), vec![(3, "owner".to_string(), "owner_out_of_scope".to_string())], "{}", rep.text);
    // A deactivated rep is named in vain.
    let gone = w.admin.post("/api/v1/reps", &json!({"id": "rep-import-gone", "name": "已离职销售", "team": "sales1", "level": "junior", "capacity": 10}));
    assert_eq!(gone.status, 201, "{}", gone.text);
    assert_eq!(w.admin.patch("/api/v1/reps/rep-import-gone", &json!({"active": false})).status, 200);
    let inactive = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", "客户名称,负责人\n离职者的客户,已离职销售\n".as_bytes());
    assert_eq!(error_codes(&inactive.body), vec![(2, "owner".to_string(), "inactive_owner".to_string())], "{}", inactive.text);
}

/// Value tiers read through the settings' `tier_labels` (A/B/C, 重要/一般, 高/中/低 by
/// default); an unknown label is a row error naming the accepted ones. The template
/// imports as it is.
pub fn tier_labels_and_template(w: &mut World) {
    let csv = "客户名称,电话,客户价值\n分级甲,13777000021,A\n分级乙,13777000022,重要\n分级丙,13777000023,中\n分级丁,13777000024,钻石\n";
    let dry = w.admin.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", csv.as_bytes());
    assert_eq!(error_codes(&dry.body), vec![(5, "tier".to_string(), "not_in_list".to_string())], "{}", dry.text);
    let message = dry.body["errors"][0]["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("钻石") && message.contains("A/B/C") && message.contains("重要"), "{message}");
    let real = w.admin.send("POST", "/api/v1/customers/import", "text/csv", csv.as_bytes());
    assert_eq!(real.body["created"], json!(3), "{}", real.text);
    let tier_of = |name: &str| w.admin.get(&format!("/api/v1/customers?q={name}")).body["items"][0]["tier"].clone();
    assert_eq!((tier_of("分级甲"), tier_of("分级乙"), tier_of("分级丙")), (json!("key"), json!("key"), json!("potential")));

    let template = w.manager.get("/api/v1/customers/import/template");
    assert_eq!(template.status, 200, "{}", template.text);
    assert!(template.content_type.starts_with("text/csv") && template.text.starts_with('\u{feff}'), "{}", template.content_type);
    assert_eq!(template.text.lines().count(), 2, "headers and one example row");
    assert!(template.text.lines().next().unwrap().contains("负责人"));
    let tried = w.manager.send("POST", "/api/v1/customers/import?dry_run=true", "text/csv", template.text.as_bytes());
    assert_eq!((tried.body["rows"].as_u64(), tried.body["errors"].as_array().map(Vec::len), tried.body.get("ignored_columns")), (Some(1), Some(0), None), "{}", tried.text);
    // The XLSX template (drop-downs, text columns) imports as it is too, through the
    // server's own reader; a format it does not offer is a clear 400.
    let xlsx = w.manager.get("/api/v1/customers/import/template?format=xlsx");
    assert_eq!(xlsx.status, 200, "{}", xlsx.text);
    assert!(xlsx.content_type.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") && xlsx.bytes.starts_with(b"PK\x03\x04"), "{}", xlsx.content_type);
    assert!(xlsx.headers.iter().any(|(k, v)| k == "content-disposition" && v.contains("allot-import-template.xlsx")), "{:?}", xlsx.headers);
    let tried = w.manager.send("POST", "/api/v1/customers/import?dry_run=true", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &xlsx.bytes);
    assert_eq!((tried.body["rows"].as_u64(), tried.body["errors"].as_array().map(Vec::len), tried.body.get("ignored_columns")), (Some(1), Some(0), None), "{}", tried.text);
    let ods = w.manager.get("/api/v1/customers/import/template?format=ods");
    assert_eq!((ods.status, ods.code()), (400, "unsupported_format"), "{}", ods.text);
}
