//! The language server through the real binary over JSON-RPC: initialize, the
//! diagnostics of a fixture tree, didOpen/didChange/didClose with cross-file
//! re-publishing, hover, completion, definition, references, documentSymbol,
//! codeAction, shutdown and exit. Answers are snapshots with the tree's URI
//! replaced by `file:///ROOT`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

/// Every wait for the server is bounded by this.
const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    seen: Vec<Value>,
    next_id: i64,
    root: PathBuf,
    /// The last diagnostics seen per URI.
    known: std::collections::HashMap<String, Value>,
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nginx-fpm-lint"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().expect("length");
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let value: Value = serde_json::from_slice(&body).expect("JSON");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages: rx,
            seen: Vec::new(),
            next_id: 1,
            root: root.to_path_buf(),
            known: Default::default(),
        }
    }

    fn send(&mut self, value: Value) {
        let body = value.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(WAIT)
            .expect("the server answers within the bound")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.seen.push(m);
        }
    }

    fn uri(&self, rel: &str) -> String {
        url_of(&self.root.join(rel))
    }

    /// The diagnostics of `rel` as they stand once the server has applied everything sent
    /// so far: a request is answered only after the lint of earlier changes, and its
    /// diagnostics are sent before the answer.
    fn diagnostics(&mut self, rel: &str) -> Value {
        let uri = self.uri(rel);
        self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        let mut latest = None;
        self.seen.retain(|m| {
            let it = m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == json!(uri);
            if it {
                latest = Some(m["params"]["diagnostics"].clone());
            }
            !it
        });
        let value = latest
            .or_else(|| self.known.get(&uri).cloned())
            .unwrap_or(json!([]));
        self.known.insert(uri, value.clone());
        value
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read")
    }

    fn open(&mut self, rel: &str, language: &str, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, rel: &str, version: i32, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&self, rel: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": self.uri(rel)}, "position": {"line": line, "character": character}})
    }

    /// A JSON answer as text, the tree's URI and path replaced by placeholders.
    fn shown(&self, value: &Value) -> String {
        let text = serde_json::to_string_pretty(value).expect("JSON");
        text.replace(&url_of(&self.root), "file:///ROOT")
            .replace(&self.root.display().to_string(), "/ROOT")
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave the server running (it holds the test's stderr).
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn url_of(path: &Path) -> String {
    // Test paths are plain ASCII: a file URI is the path behind file://.
    format!("file://{}", path.display())
}

/// The (line, character) where `needle` starts in `text`.
fn find(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).expect("needle in text");
    let line = text[..offset].matches('\n').count();
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line as u32, col as u32)
}

fn labels(items: &Value) -> Vec<String> {
    let list = items
        .as_array()
        .cloned()
        .unwrap_or_else(|| items["items"].as_array().cloned().unwrap_or_default());
    list.iter()
        .map(|i| i["label"].as_str().unwrap_or("").to_string())
        .collect()
}

const SITE: &str = "etc/nginx/sites-enabled/shop.conf";
const POOL: &str = "etc/php/8.2/fpm/pool.d/shop.conf";

/// A copy of `fixtures/lsp/root` (kept while the returned directory lives) and a
/// server started on it.
fn start_on_fixture() -> (tempfile::TempDir, PathBuf, Client) {
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("root");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lsp/root"),
        &root,
    );
    let client = Client::start(&root);
    (temp, root, client)
}

#[test]
fn a_session_over_json_rpc() {
    let (_temp, root, mut c) = start_on_fixture();
    let root_uri = url_of(&root);
    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "capabilities": {},
               "workspaceFolders": [{"uri": root_uri, "name": "root"}]}),
    );
    insta::assert_snapshot!("lsp_initialize", c.shown(&init));
    c.notify("initialized", json!({}));

    // The whole tree is linted at start: the site's findings, with the config file's
    // severity for NGX201 (warning, not error).
    let first = c.diagnostics(SITE);
    insta::assert_snapshot!("lsp_diagnostics_at_start", c.shown(&first));
    let site = c.text(SITE);
    c.open(SITE, "nginx", &site);

    // Hover: a directive from the catalogue; a finding's rule doc.
    let (l, ch) = find(&site, "fastcgi_pass unix");
    let hover = c.request("textDocument/hover", c.at(SITE, l, ch + 2));
    insta::assert_snapshot!("lsp_hover_directive", c.shown(&hover));
    let hover = c.request("textDocument/hover", c.at(SITE, l, ch + 20));
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(value.contains("X001 fastcgi-pass-no-pool"), "{value}");

    // Hover on a php-fpm key.
    let pool = c.text(POOL);
    let (pl, pc) = find(&pool, "pm = dynamic");
    let hover = c.request("textDocument/hover", c.at(POOL, pl, pc));
    insta::assert_snapshot!("lsp_hover_fpm_key", c.shown(&hover));

    // Completion: names valid in a location (never worker_processes), values.
    let typed = site.replace(
        "        add_header X-Pool $pool_socket;\n",
        "        add_header X-Pool $pool_socket;\n        fastcgi_r\n        worker_\n        sendfile \n        fastcgi_pass \n        include snip\n",
    );
    c.change(SITE, 2, &typed);
    let (tl, tc) = find(&typed, "fastcgi_r\n");
    let names = c.request("textDocument/completion", c.at(SITE, tl, tc + 9));
    insta::assert_snapshot!(
        "lsp_completion_names_in_location",
        labels(&names).join("\n")
    );
    let (wl, wc) = find(&typed, "worker_\n");
    let workers = labels(&c.request("textDocument/completion", c.at(SITE, wl, wc + 7)));
    assert!(
        !workers.contains(&"worker_processes".to_string()),
        "worker_processes is a main-context directive: {workers:?}"
    );
    let (sl, sc) = find(&typed, "sendfile \n");
    let flags = labels(&c.request("textDocument/completion", c.at(SITE, sl, sc + 9)));
    assert_eq!(flags, ["on", "off"]);
    let (fl, fc) = find(&typed, "fastcgi_pass \n");
    let pools = c.request("textDocument/completion", c.at(SITE, fl, fc + 13));
    insta::assert_snapshot!("lsp_completion_fastcgi_pass", c.shown(&pools));
    let (il, ic) = find(&typed, "include snip\n");
    let includes = labels(&c.request("textDocument/completion", c.at(SITE, il, ic + 12)));
    assert_eq!(includes, ["snippets/fastcgi-php.conf"]);
    c.change(SITE, 3, &site);

    // php-fpm values: pm = static|dynamic|ondemand.
    c.open(POOL, "php-fpm", &pool);
    let (pl, pc) = find(&pool, "dynamic");
    let pm = labels(&c.request("textDocument/completion", c.at(POOL, pl, pc)));
    assert_eq!(pm, ["static", "dynamic", "ondemand"]);

    // Definition: include → the snippet; an upstream name → its block; $variable → set;
    // fastcgi_pass through the upstream → the pool's listen line.
    let (l, ch) = find(&site, "snippets/fastcgi-php.conf");
    let include = c.request("textDocument/definition", c.at(SITE, l, ch + 3));
    let (l, ch) = find(&site, "php_backend;");
    let upstream = c.request("textDocument/definition", c.at(SITE, l, ch + 3));
    let (l, ch) = find(&site, "$pool_socket;\n        fastcgi");
    let variable = c.request("textDocument/definition", c.at(SITE, l, ch + 3));
    insta::assert_snapshot!(
        "lsp_definitions",
        c.shown(&json!({"include": include, "upstream": upstream, "variable": variable}))
    );

    // References from the pool: every fastcgi_pass that reaches it (the one through the
    // upstream; the broken one does not).
    let (pl, pc) = find(&pool, "listen =");
    let mut params = c.at(POOL, pl, pc + 2);
    params["context"] = json!({"includeDeclaration": false});
    let refs = c.request("textDocument/references", params.clone());
    insta::assert_snapshot!("lsp_references_before_fix", c.shown(&refs));

    // Outline of both files.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": c.uri(SITE)}}),
    );
    insta::assert_snapshot!("lsp_symbols_site", c.shown(&symbols));
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": c.uri(POOL)}}),
    );
    insta::assert_snapshot!("lsp_symbols_pool", c.shown(&symbols));

    // Code actions on the X001 line: suppress with a reason.
    let (l, _) = find(&site, "fastcgi_pass unix");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": c.uri(SITE)},
               "range": {"start": {"line": l, "character": 0}, "end": {"line": l, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    insta::assert_snapshot!("lsp_code_actions", c.shown(&actions));

    // The suppression applied (unsaved) silences X001 as the command line would.
    let suppressed = site.replace(
        "        fastcgi_pass unix:/run/php/php8.1-fpm.sock;",
        "        # nginx-fpm-lint: ignore X001 the pool is in another container\n        fastcgi_pass unix:/run/php/php8.1-fpm.sock;",
    );
    c.change(SITE, 4, &suppressed);
    let now = c.diagnostics(SITE);
    assert!(!c.shown(&now).contains("X001"), "{}", c.shown(&now));

    // Editing the pool re-publishes the site: the pool moves to the broken socket, so the
    // location that named it is fixed and the upstream's server is now broken.
    c.change(SITE, 5, &site);
    let again = c.diagnostics(SITE);
    assert!(c.shown(&again).contains("X001"));
    let moved = pool.replace(
        "listen = /run/php/php8.2-fpm-shop.sock",
        "listen = /run/php/php8.1-fpm.sock",
    );
    c.change(POOL, 2, &moved);
    let cross = c.diagnostics(SITE);
    insta::assert_snapshot!("lsp_diagnostics_after_pool_edit", c.shown(&cross));

    // Closing the pool's buffer: the disk counts again.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": c.uri(POOL)}}),
    );
    let back = c.diagnostics(SITE);
    assert_eq!(back, first, "back to the disk's findings");

    // A fixed site publishes its remaining findings only (and an empty list once clean).
    let fixed = site
        .replace("php8.1-fpm.sock", "php8.2-fpm-shop.sock")
        .replace(
            "        fastcgi_pass php_backend;",
            "        include snippets/fastcgi-php.conf;\n        fastcgi_pass php_backend;",
        );
    c.change(SITE, 6, &fixed);
    assert_eq!(c.diagnostics(SITE), json!([]));

    let shutdown = c.request("shutdown", Value::Null);
    assert_eq!(shutdown, Value::Null);
    c.notify("exit", Value::Null);
    let status = wait_exit(&mut c.child);
    assert!(status.success(), "{status:?}");
}

/// An editor that watches files for the server: the server asks it to (dynamic
/// registration), trusts its files unchanged between reports, and reads a file again
/// when the editor reports it changed on disk, with the same findings as the same
/// change made in a buffer.
#[test]
fn a_watching_editor_reports_changes_on_disk() {
    let (_temp, root, mut c) = start_on_fixture();
    let root_uri = url_of(&root);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri,
               "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
               "workspaceFolders": [{"uri": root_uri, "name": "root"}]}),
    );
    c.notify("initialized", json!({}));
    // The server's request to watch every file of the folder, answered.
    let register = loop {
        let m = c.next();
        if m["method"] == "client/registerCapability" {
            break m;
        }
        c.seen.push(m);
    };
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*"
    );
    c.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    let first = c.diagnostics(SITE);
    assert!(c.shown(&first).contains("X001"), "{}", c.shown(&first));

    // The pool moves to the socket the site names, on disk; the editor reports it.
    let pool = c.text(POOL);
    let moved = pool.replace(
        "listen = /run/php/php8.2-fpm-shop.sock",
        "listen = /run/php/php8.1-fpm.sock",
    );
    assert_ne!(moved, pool);
    std::fs::write(root.join(POOL), &moved).expect("write the pool");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri(POOL), "type": 2}]}),
    );
    let cross = c.diagnostics(SITE);
    insta::assert_snapshot!("lsp_diagnostics_after_pool_edit", c.shown(&cross));

    // And back.
    std::fs::write(root.join(POOL), &pool).expect("write the pool");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri(POOL), "type": 2}]}),
    );
    assert_eq!(c.diagnostics(SITE), first);

    // A new site made on disk, and a script saved beside it: the site's findings come.
    const NEW: &str = "etc/nginx/sites-enabled/new.conf";
    std::fs::write(
        root.join(NEW),
        "server {\n    listen 8081;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php/nowhere.sock;\n    }\n}\n",
    )
    .expect("write a site");
    std::fs::write(root.join("index.php"), "<?php echo 1;\n").expect("write a script");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri(NEW), "type": 1}, {"uri": c.uri("index.php"), "type": 1}]}),
    );
    let new = c.diagnostics(NEW);
    assert!(c.shown(&new).contains("X001"), "{}", c.shown(&new));
    assert_eq!(c.diagnostics(SITE), first);

    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    let status = wait_exit(&mut c.child);
    assert!(status.success(), "{status:?}");
}

/// A file opened from outside every folder the editor opened (`/etc/nginx/nginx.conf`
/// edited with the editor started in a home directory) is linted on its own, as
/// `--nginx FILE` lints it, with the unsaved text; a YAML file there is left alone.
#[test]
fn a_file_outside_the_workspace_is_linted_on_its_own() {
    let (temp, root, mut c) = start_on_fixture();
    let root_uri = url_of(&root);
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "capabilities": {},
               "workspaceFolders": [{"uri": root_uri, "name": "root"}]}),
    );
    c.notify("initialized", json!({}));
    let outside = temp.path().join("elsewhere/nginx/nginx.conf");
    std::fs::create_dir_all(outside.parent().expect("dir")).expect("mkdir");
    let clean = "events {}\nhttp {\n    server {\n        listen 8080;\n        location / { return 204; }\n    }\n}\n";
    std::fs::write(&outside, clean).expect("write");
    let rel = outside.display().to_string();
    c.open(&rel, "nginx", clean);
    let first = c.diagnostics(&rel);
    assert_eq!(first, json!([]), "{first}");
    // An unsaved edit that nginx would refuse (a directive outside its context).
    let broken = clean.replace(
        "listen 8080;",
        "listen 8080;\n        worker_connections 10;",
    );
    c.change(&rel, 2, &broken);
    let after = c.diagnostics(&rel);
    assert!(c.shown(&after).contains("NGX"), "{}", c.shown(&after));
    // Not configuration by the editor's word: no lint of its own.
    let yaml = temp.path().join("elsewhere/nginx/values.yaml");
    std::fs::write(&yaml, "server: {listen: 80}\n").expect("write");
    let yrel = yaml.display().to_string();
    c.open(&yrel, "yaml", "server: {listen: 80}\n");
    assert_eq!(c.diagnostics(&yrel), json!([]));
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..600 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the server did not exit after `exit`");
}
