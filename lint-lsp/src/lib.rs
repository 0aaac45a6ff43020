//! The language server of nginx-fpm-lint (`nginx-fpm-lint lsp`): every rule as
//! you type, across files, with hover, completion, navigation and code actions.
//!
//! The workspace folder is read as the command line reads a directory (the
//! [`Host`] the command line provides plans it); the editor's open buffers are laid
//! over the files the engine reads (`overlay`), so unsaved text counts. After
//! every change the whole workspace is linted again and every file whose findings
//! changed is published, which covers both sides of a cross-check.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod engine;
pub mod features;
pub mod index;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::{FileKind, RuleMeta};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DiagnosticSeverity, GotoDefinitionResponse,
    HoverProviderCapability, InitializeParams, InitializeResult, NumberOrString, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};

use engine::Published;
pub use engine::{Host, Workspace};
use index::{File, Index};
use lint_source::overlay::Snapshot;

/// An open document.
#[derive(Debug, Clone)]
struct Doc {
    text: Arc<[u8]>,
    version: i32,
    language: String,
}

/// The server's state between messages.
pub struct Server<'h> {
    host: &'h dyn Host,
    rules: Vec<&'static RuleMeta>,
    folders: Vec<PathBuf>,
    workspaces: Option<Vec<Workspace>>,
    docs: HashMap<Url, Doc>,
    /// Something changed since the last lint.
    dirty: bool,
    /// The workspaces must be planned again (a Compose file, the config file, a new file).
    replan: bool,
    published: HashMap<Url, Vec<Published>>,
    maps: Vec<Arc<lint_source::SourceMap>>,
    index: Option<Arc<Index>>,
    /// The index before the last lint (its unchanged files are reused).
    stale_index: Option<Arc<Index>>,
    last_changed: Option<Url>,
    /// Outgoing notifications not yet sent.
    outbox: Vec<Notification>,
    /// `shutdown` was received: only `exit` is expected.
    shutting_down: bool,
    /// The editor watches the folders and reports every change of their files
    /// (`workspace/didChangeWatchedFiles`, registered at start): files there are not
    /// checked with `stat(2)` on every lint (see [`lint_api::Linter::watch_folder`]).
    watched: bool,
}

/// The id of the request that asks the editor to watch the folders' files.
const WATCH_REQUEST: &str = "nginx-fpm-lint/watch-files";

fn send(connection: &Connection, response: Response) -> Result<(), String> {
    connection
        .sender
        .send(Message::Response(response))
        .map_err(|e| e.to_string())
}

/// The code of the diagnostic that reports a crash of the linter.
pub const INTERNAL_ERROR: &str = "internal-error";

impl<'h> Server<'h> {
    /// A server for `folders`, planned by `host`.
    pub fn new(host: &'h dyn Host, folders: Vec<PathBuf>) -> Self {
        Server {
            rules: host.rules(),
            host,
            folders,
            workspaces: None,
            docs: HashMap::new(),
            dirty: true,
            replan: true,
            published: HashMap::new(),
            maps: Vec::new(),
            index: None,
            stale_index: None,
            last_changed: None,
            outbox: Vec::new(),
            shutting_down: false,
            watched: false,
        }
    }

    /// Tells the server the editor reports every change of the folders' files (or no
    /// longer does: its registration of the watch failed).
    pub fn set_watched(&mut self, watched: bool) {
        self.watched = watched;
        for ws in self.workspaces.iter().flatten() {
            if watched {
                ws.linter.watch_folder(&ws.folder);
            } else {
                ws.linter.unwatch_folders();
            }
        }
    }

    /// Whether `path` was read by the last lint.
    fn is_known(&self, path: &Path) -> bool {
        self.maps.iter().any(|m| {
            m.files()
                .iter()
                .any(|(_, f)| f.disk_path.as_deref() == Some(path))
        })
    }

    fn plan(&mut self) {
        let mut workspaces = Vec::new();
        for folder in &self.folders {
            match self.host.settings(folder) {
                Ok(settings) => {
                    let ws = Workspace::new(folder.clone(), settings);
                    if self.watched {
                        ws.linter.watch_folder(folder);
                    }
                    workspaces.push(ws);
                }
                Err(message) => {
                    eprintln!("nginx-fpm-lint lsp: {}: {message}", folder.display());
                    self.outbox.push(Notification::new(
                        "window/showMessage".into(),
                        serde_json::json!({"type": 1, "message": format!("nginx-fpm-lint: {message}")}),
                    ));
                }
            }
        }
        self.workspaces = Some(workspaces);
        self.replan = false;
        // New linters count their ids from 0 again: nothing of the old index is reusable.
        self.index = None;
        self.stale_index = None;
    }

    /// Lints every workspace with the open buffers and queues the diagnostics of every file
    /// whose findings changed (an empty list for files that became clean).
    pub fn relint(&mut self) {
        if self.replan || self.workspaces.is_none() {
            self.plan();
        }
        self.dirty = false;
        let snapshot =
            Arc::new(Snapshot::new(self.docs.iter().filter_map(|(uri, d)| {
                Some((engine::path_of(uri)?, d.text.clone()))
            })));
        let mut next: HashMap<Url, Vec<Published>> = HashMap::new();
        let mut maps = Vec::new();
        let mut crashed: Option<String> = None;
        for ws in self.workspaces.iter().flatten() {
            match engine::lint(self.host, ws, &snapshot) {
                Ok(run) => {
                    for (uri, list) in engine::to_lsp(&run.diagnostics, &run.map, &self.rules) {
                        next.entry(uri).or_default().extend(list);
                    }
                    maps.push(run.map);
                }
                Err(message) => {
                    eprintln!("nginx-fpm-lint lsp: the linter panicked: {message}");
                    crashed = Some(message);
                }
            }
        }
        // Open documents no workspace lint read, that the editor says are nginx or php-fpm
        // configuration: linted each on its own (a file outside every folder got no
        // diagnostics at all).
        let read: std::collections::HashSet<PathBuf> = maps
            .iter()
            .flat_map(|m: &Arc<lint_source::SourceMap>| {
                m.files()
                    .iter()
                    .filter_map(|(_, f)| f.disk_path.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        // After a crash what the workspaces read is not known: nothing is taken for loose.
        let loose: Vec<(PathBuf, bool)> = self
            .docs
            .iter()
            .filter(|_| crashed.is_none())
            .filter_map(|(uri, d)| {
                let path = engine::path_of(uri)?;
                let kind = loose_kind(&path, &d.language, &d.text)?;
                (!read.contains(&path)).then_some((path, kind == FileKind::Fpm))
            })
            .collect();
        for (path, fpm) in loose {
            match engine::lint_alone(self.host, &path, fpm, &snapshot) {
                Ok(run) => {
                    for (uri, list) in engine::to_lsp(&run.diagnostics, &run.map, &self.rules) {
                        // Only the document's own findings: the files it includes belong
                        // to whatever lints them.
                        if engine::path_of(&uri).as_deref() == Some(path.as_path()) {
                            next.entry(uri).or_default().extend(list);
                        }
                    }
                    maps.push(run.map);
                }
                Err(message) => {
                    eprintln!("nginx-fpm-lint lsp: the linter panicked: {message}");
                    crashed = Some(message);
                }
            }
        }
        if let Some(message) = crashed {
            // Keep what is known; say it once, on the file being edited.
            next = self.published.clone();
            for list in next.values_mut() {
                list.retain(|p| p.code != INTERNAL_ERROR);
            }
            let target = self
                .last_changed
                .clone()
                .or_else(|| self.docs.keys().min().cloned());
            if let Some(uri) = target {
                next.entry(uri).or_default().push(Published {
                    lsp: lsp_types::Diagnostic {
                        range: Default::default(),
                        severity: Some(DiagnosticSeverity::ERROR),
                        code: Some(NumberOrString::String(INTERNAL_ERROR.into())),
                        code_description: None,
                        source: Some("nginx-fpm-lint".into()),
                        message: format!(
                            "nginx-fpm-lint crashed while linting this workspace: {message}. Please report it with this file."
                        ),
                        related_information: None,
                        tags: None,
                        data: None,
                    },
                    code: INTERNAL_ERROR,
                    comment: '#',
                    fix: None,
                });
            }
        } else {
            self.maps = maps;
            // Kept to take unchanged files' syntax from when navigation next needs it.
            self.stale_index = self.index.take().or(self.stale_index.take());
        }
        let uris: std::collections::BTreeSet<Url> =
            self.published.keys().chain(next.keys()).cloned().collect();
        for uri in uris {
            let lsp = |l: Option<&Vec<Published>>| -> Vec<lsp_types::Diagnostic> {
                l.map(|l| l.iter().map(|p| p.lsp.clone()).collect())
                    .unwrap_or_default()
            };
            if lsp(self.published.get(&uri)) != lsp(next.get(&uri)) {
                self.queue_publish(&uri, next.get(&uri).map(Vec::as_slice).unwrap_or(&[]));
            }
        }
        next.retain(|_, l| !l.is_empty());
        self.published = next;
    }

    fn queue_publish(&mut self, uri: &Url, list: &[Published]) {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics: list.iter().map(|p| p.lsp.clone()).collect(),
            version: self.docs.get(uri).map(|d| d.version),
        };
        self.outbox
            .push(Notification::new(PublishDiagnostics::METHOD.into(), params));
    }

    fn index(&mut self) -> Arc<Index> {
        if let Some(index) = &self.index {
            return index.clone();
        }
        let previous = self.stale_index.take().unwrap_or_default();
        let mut all = Index::default();
        for map in &self.maps {
            all.files.extend(Index::rebuild(map, &previous).files);
        }
        let index = Arc::new(all);
        self.index = Some(index.clone());
        index
    }

    /// The document at `uri` as it is now (its buffer, else the disk), parsed.
    fn file(&mut self, uri: &Url) -> Option<File> {
        let path = engine::path_of(uri)?;
        let (text, language) = match self.docs.get(uri) {
            Some(d) => (d.text.clone(), d.language.clone()),
            None => (Arc::from(std::fs::read(&path).ok()?), String::new()),
        };
        let index = self.index();
        // What the lint read it as, with the path nginx or php-fpm names it by.
        let known = index
            .files
            .iter()
            .find(|f| f.disk.as_deref() == Some(&path));
        let (kind, logical) = match known {
            Some(f) => (
                match f.syntax {
                    index::Syntax::Nginx(_) => FileKind::Nginx,
                    index::Syntax::Fpm(_) => FileKind::Fpm,
                    index::Syntax::Other => FileKind::Other,
                },
                f.path.clone(),
            ),
            None => (guess_kind(&path, &language, &text), path.clone()),
        };
        let map = lint_source::SourceMap::new();
        let id = map.add_text(logical.clone(), kind, &text[..]);
        Some(File::parse(id, logical, Some(path), kind, text))
    }

    /// Handles one message; `Ok(false)` when the client asked to exit.
    fn handle(&mut self, connection: &Connection, message: Message) -> Result<bool, String> {
        match message {
            Message::Request(req) => {
                // `shutdown` is answered and the server waits for `exit`; some clients
                // send `shutdown` twice (Neovim when it stops a client, then again on quit).
                if req.method == "shutdown" {
                    self.shutting_down = true;
                    return send(connection, Response::new_ok(req.id, ())).map(|()| true);
                }
                if self.shutting_down {
                    return send(
                        connection,
                        Response::new_err(
                            req.id,
                            lsp_server::ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        ),
                    )
                    .map(|()| true);
                }
                if self.dirty {
                    self.relint();
                    self.flush(connection)?;
                }
                let response = self.request(&req);
                send(connection, response)?;
            }
            Message::Notification(n) if n.method == "exit" => return Ok(false),
            Message::Notification(n) => self.notification(n),
            Message::Response(r) => {
                // The editor refused to watch the files: check them on every lint again.
                if r.id == RequestId::from(WATCH_REQUEST.to_string()) && r.error.is_some() {
                    self.set_watched(false);
                }
            }
        }
        Ok(true)
    }

    fn flush(&mut self, connection: &Connection) -> Result<(), String> {
        for n in self.outbox.drain(..) {
            connection
                .sender
                .send(Message::Notification(n))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri;
                    let changed = self
                        .docs
                        .get(&uri)
                        .is_none_or(|d| *d.text != *p.text_document.text.as_bytes());
                    let on_disk = engine::path_of(&uri)
                        .and_then(|path| std::fs::read(path).ok())
                        .is_some_and(|disk| disk == p.text_document.text.as_bytes());
                    self.docs.insert(
                        uri.clone(),
                        Doc {
                            text: Arc::from(p.text_document.text.into_bytes()),
                            version: p.text_document.version,
                            language: p.text_document.language_id,
                        },
                    );
                    if changed && !on_disk {
                        self.dirty = true;
                        self.last_changed = Some(uri.clone());
                    }
                    // The client shows this file now: send what is known of it.
                    let list = self.published.get(&uri).cloned().unwrap_or_default();
                    if !self.dirty {
                        self.queue_publish(&uri, &list);
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri;
                    // Full sync: the last change is the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        let language = self
                            .docs
                            .get(&uri)
                            .map(|d| d.language.clone())
                            .unwrap_or_default();
                        self.docs.insert(
                            uri.clone(),
                            Doc {
                                text: Arc::from(change.text.into_bytes()),
                                version: p.text_document.version,
                                language,
                            },
                        );
                        self.dirty = true;
                        self.last_changed = Some(uri);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    // The disk counts again for this file.
                    if self.docs.remove(&p.text_document.uri).is_some() {
                        self.dirty = true;
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                {
                    if let Some(path) = engine::path_of(&p.text_document.uri) {
                        self.forget(&path);
                        if !self.is_known(&path) || describes_deployment(&path) {
                            self.replan = true;
                            self.dirty = true;
                        }
                    }
                }
            }
            DidChangeWatchedFiles::METHOD => {
                // A known file that changed is read again. What may change which files
                // make up the deployments plans them again: a Compose file, Dockerfile
                // or manifest; a known file made or removed (a main file); a file the
                // last lint did not read that is configuration (a new site). A script
                // or stylesheet saved, or a file in .git, does not.
                let changes =
                    serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
                        .map(|p| p.changes)
                        .unwrap_or_default();
                // The files the last lint read, once (a checkout reports thousands).
                let known: std::collections::HashSet<PathBuf> = self
                    .maps
                    .iter()
                    .flat_map(|m| m.files())
                    .filter_map(|(_, f)| f.disk_path.clone())
                    .collect();
                let mut replan = changes.is_empty();
                for change in &changes {
                    let Some(path) = engine::path_of(&change.uri) else {
                        continue;
                    };
                    self.forget(&path);
                    let known = known.contains(&path);
                    if describes_deployment(&path)
                        || (known && change.typ != lsp_types::FileChangeType::CHANGED)
                        || (!known && lint_api::may_change_plan(&path))
                    {
                        replan = true;
                    }
                }
                self.replan |= replan;
                self.dirty = true;
            }
            _ => {}
        }
    }

    /// Drops every workspace's copy of `path` read from disk.
    fn forget(&self, path: &Path) {
        for ws in self.workspaces.iter().flatten() {
            ws.linter.forget_file(path);
        }
    }

    fn request(&mut self, req: &Request) -> Response {
        let result = self.answer(req);
        match result {
            Ok(value) => Response::new_ok(req.id.clone(), value),
            Err(message) => Response::new_err(
                req.id.clone(),
                lsp_server::ErrorCode::InvalidParams as i32,
                message,
            ),
        }
    }

    fn position_of(&mut self, uri: &Url, position: lsp_types::Position) -> Option<(File, usize)> {
        let file = self.file(uri)?;
        let offset = file.lines.offset(&file.text, position);
        Some((file, offset))
    }

    /// A position request's parameters with the open file and byte offset they point at
    /// (`None`: a file the server does not know). `at` picks the position out of `P`.
    fn located<P: serde::de::DeserializeOwned>(
        &mut self,
        req: &Request,
        at: fn(&P) -> &lsp_types::TextDocumentPositionParams,
    ) -> Result<Option<At<P>>, String> {
        let params: P = params(req)?;
        let (uri, position) = {
            let at = at(&params);
            (at.text_document.uri.clone(), at.position)
        };
        Ok(self.position_of(&uri, position).map(|(file, offset)| At {
            params,
            uri,
            position,
            file,
            offset,
        }))
    }

    /// Answers a request (`Ok(null)` when there is nothing to say).
    pub fn answer(&mut self, req: &Request) -> Result<serde_json::Value, String> {
        let null = serde_json::Value::Null;
        let json = |v: &dyn erased::Json| v.to_json();
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let Some(at) = self
                    .located::<lsp_types::HoverParams>(req, |p| &p.text_document_position_params)?
                else {
                    return Ok(null);
                };
                let published = self.published.get(&at.uri).cloned().unwrap_or_default();
                Ok(json(&features::hover(
                    &at.file,
                    at.offset,
                    at.position,
                    &published,
                    &self.rules,
                )))
            }
            Completion::METHOD => {
                let Some(at) = self
                    .located::<lsp_types::CompletionParams>(req, |p| &p.text_document_position)?
                else {
                    return Ok(null);
                };
                let index = self.index();
                Ok(json(&features::completion(&at.file, at.offset, &index)))
            }
            GotoDefinition::METHOD => {
                let Some(at) = self.located::<lsp_types::GotoDefinitionParams>(req, |p| {
                    &p.text_document_position_params
                })?
                else {
                    return Ok(null);
                };
                let index = self.index();
                let found = features::definition(&at.file, at.offset, &index);
                Ok(json(
                    &(!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)),
                ))
            }
            References::METHOD => {
                let Some(at) =
                    self.located::<lsp_types::ReferenceParams>(req, |p| &p.text_document_position)?
                else {
                    return Ok(null);
                };
                let index = self.index();
                Ok(json(&features::references(
                    &at.file,
                    at.offset,
                    &index,
                    at.params.context.include_declaration,
                )))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req)?;
                let Some(file) = self.file(&p.text_document.uri) else {
                    return Ok(null);
                };
                Ok(json(&lsp_types::DocumentSymbolResponse::Nested(
                    features::document_symbols(&file),
                )))
            }
            CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(req)?;
                let uri = p.text_document.uri;
                let Some(file) = self.file(&uri) else {
                    return Ok(null);
                };
                let published = self.published.get(&uri).cloned().unwrap_or_default();
                Ok(json(&features::code_actions(
                    &uri, &file, p.range, &published,
                )))
            }
            _ => Err(format!("unsupported request {}", req.method)),
        }
    }
}

/// A request's parameters, read from its JSON.
fn params<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, String> {
    serde_json::from_value(req.params.clone()).map_err(|e| e.to_string())
}

/// What a position request points at (see `Server::located`).
struct At<P> {
    params: P,
    uri: Url,
    position: lsp_types::Position,
    file: File,
    offset: usize,
}

/// Serialising any answer without naming its type at each call.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

/// Files that change what the deployments are (not what they hold).
fn describes_deployment(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name == ".nginx-fpm-lint.toml"
        || name.ends_with(".yml")
        || name.ends_with(".yaml")
        || name.contains("dockerfile")
        || name.ends_with(".env")
}

/// The language of a file the lint did not read: the editor's language id, else its
/// place and content.
/// The kind of an open document to lint on its own when no workspace lint read it: one
/// the editor calls nginx or php-fpm configuration, or a generic configuration file
/// (`conf`, `ini`) whose path names nginx or php; `None` for anything else (a YAML file,
/// a README).
fn loose_kind(path: &Path, language: &str, text: &[u8]) -> Option<FileKind> {
    let named = {
        let p = path.to_string_lossy().to_ascii_lowercase();
        p.contains("nginx") || p.contains("php")
    };
    let config = match language {
        "nginx" | "php-fpm" | "fpm" | "php-ini" => true,
        "conf" | "ini" | "dosini" | "" => named,
        _ => false,
    };
    config.then(|| guess_kind(path, language, text))
}

fn guess_kind(path: &Path, language: &str, text: &[u8]) -> FileKind {
    match language {
        "nginx" => return FileKind::Nginx,
        "php-fpm" | "fpm" | "ini" | "dosini" | "php-ini" => return FileKind::Fpm,
        _ => {}
    }
    let p = path.to_string_lossy();
    if p.contains("pool.d") || p.contains("php-fpm") || (p.contains("/php") && p.contains("/fpm")) {
        return FileKind::Fpm;
    }
    let first = String::from_utf8_lossy(text)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with(';') && !l.starts_with('#'))
        .map(str::to_string)
        .unwrap_or_default();
    if first.starts_with('[') {
        FileKind::Fpm
    } else {
        FileKind::Nginx
    }
}

/// The folders a client opened (the root when it names no folder; else the directory
/// the server was started in).
fn folders(params: &InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    #[allow(deprecated)] // root_uri is how clients without folders say it.
    if out.is_empty() {
        if let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
            out.push(p);
        }
    }
    if out.is_empty() {
        if let Ok(cwd) = std::env::current_dir() {
            out.push(cwd);
        }
    }
    out
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "$".into(), "/".into(), "=".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// Serves the protocol on stdin/stdout until the client says `exit`.
pub fn run(host: &dyn Host) -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    serve(host, &connection)?;
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())
}

/// Serves the protocol on a connection (stdio, or in-memory in tests).
pub fn serve(host: &dyn Host, connection: &Connection) -> Result<(), String> {
    let (id, params): (RequestId, serde_json::Value) =
        connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "nginx-fpm-lint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection
        .initialize_finish(id, serde_json::to_value(result).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    // `initialize_finish` has consumed `initialized`: the first lint runs now.
    let mut server = Server::new(host, folders(&params));
    // An editor that can watch files for the server is asked to report every change in
    // the folders: then a keystroke's lint need not `stat(2)` every file of the tree.
    let can_watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        == Some(true);
    if can_watch && !server.folders.is_empty() {
        let registration = lsp_types::Registration {
            id: WATCH_REQUEST.into(),
            method: DidChangeWatchedFiles::METHOD.into(),
            register_options: Some(serde_json::json!({
                "watchers": [{ "globPattern": "**/*" }]
            })),
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![registration],
        };
        connection
            .sender
            .send(Message::Request(Request::new(
                RequestId::from(WATCH_REQUEST.to_string()),
                "client/registerCapability".into(),
                params,
            )))
            .map_err(|e| e.to_string())?;
        server.set_watched(true);
    }
    loop {
        if server.dirty && !server.shutting_down {
            server.relint();
        }
        server.flush(connection)?;
        let Ok(first) = connection.receiver.recv() else {
            return Ok(());
        };
        if !server.handle(connection, first)? {
            return Ok(());
        }
        // Everything already queued is applied before one lint answers it all.
        while let Ok(next) = connection.receiver.try_recv() {
            if !server.handle(connection, next)? {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A host whose runs panic on its first `panics` runs.
    struct Flaky {
        panics: usize,
        runs: AtomicUsize,
    }

    impl Host for Flaky {
        fn settings(&self, _folder: &Path) -> Result<lint_api::Settings, String> {
            Ok(lint_api::Settings::default())
        }
        fn lint(
            &self,
            linter: &lint_api::Linter,
            input: &lint_api::Input,
        ) -> Result<lint_api::Report, lint_api::Error> {
            if self.runs.fetch_add(1, Ordering::SeqCst) < self.panics {
                panic!("a rule fell over");
            }
            linter.lint(input)
        }
    }

    fn published(server: &mut Server) -> Vec<(Url, serde_json::Value)> {
        server
            .outbox
            .drain(..)
            .map(|n| {
                let uri = serde_json::from_value::<Url>(n.params["uri"].clone()).unwrap();
                (uri, n.params["diagnostics"].clone())
            })
            .collect()
    }

    #[test]
    fn a_panic_is_reported_once_on_the_edited_file_and_the_server_keeps_linting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc/nginx")).unwrap();
        let conf = dir.path().join("etc/nginx/nginx.conf");
        std::fs::write(&conf, "events {}\nhttp { server { listen 80 } }\n").unwrap();
        let host = Flaky {
            panics: 2,
            runs: AtomicUsize::new(0),
        };
        let mut server = Server::new(&host, vec![dir.path().to_path_buf()]);
        let uri = Url::from_file_path(&conf).unwrap();
        server.docs.insert(
            uri.clone(),
            Doc {
                text: Arc::from(&b"events {}\nhttp { server { listen 80 } }\n"[..]),
                version: 1,
                language: "nginx".into(),
            },
        );
        server.last_changed = Some(uri.clone());
        let panic_count = |list: &[(Url, serde_json::Value)]| {
            list.iter()
                .flat_map(|(_, d)| d.as_array().cloned().unwrap_or_default())
                .filter(|d| d["code"] == INTERNAL_ERROR)
                .count()
        };
        server.relint();
        let first = published(&mut server);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].0, uri);
        assert_eq!(panic_count(&first), 1);
        // The same crash again: nothing new to say (not a second diagnostic).
        server.relint();
        assert!(published(&mut server).is_empty());
        // The next run works: the crash report goes, the real finding (NGX0xx: the
        // missing `;`) comes.
        server.relint();
        let third = published(&mut server);
        assert_eq!(panic_count(&third), 0);
        assert!(third
            .iter()
            .any(|(u, d)| *u == uri && d.as_array().is_some_and(|l| !l.is_empty())));
    }
}

// The README is a doctest too: its example compiles and runs with `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
