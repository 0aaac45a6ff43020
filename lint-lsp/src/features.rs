//! Hover, completion, go to definition, references, document symbols and code
//! actions, answered from the open document's own parse and the last lint's files.

use std::collections::HashMap;

use fpm_conf_parser::Line;
use lint_rules::model::address::{parse_nginx_target, NginxTarget, TargetHost};
use lint_source::{FileKind, RuleMeta, Span};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind,
    CompletionTextEdit, DocumentSymbol, Hover, HoverContents, Location, MarkupContent, MarkupKind,
    Position, Range, SymbolKind, TextEdit, Url, WorkspaceEdit,
};
use nginx_conf_parser::catalogue::{Arity, Catalogue, DirectiveSpec, NginxVersion};
use nginx_conf_parser::{Directive, ParsedFile};

use crate::engine::Published;
use crate::index::{walk, File, Index, Syntax};

/// The directive under an offset: the statement, and whether the offset is on its name or
/// on argument `n`.
struct At<'a> {
    directive: &'a Directive,
    arg: Option<usize>,
}

fn contains(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

fn at(parsed: &ParsedFile, offset: usize) -> Option<At<'_>> {
    let mut found = None;
    walk(&parsed.directives, &mut Vec::new(), &mut |d, _| {
        if contains(d.name.span, offset) {
            found = Some(At {
                directive: d,
                arg: None,
            });
        } else if let Some(i) = d.args.iter().position(|a| contains(a.span, offset)) {
            found = Some(At {
                directive: d,
                arg: Some(i),
            });
        }
    });
    found
}

/// The context a file's top level is in, from what it holds (a site file is included in
/// `http`, a snippet in `server` or `location`).
fn file_context(parsed: &ParsedFile, path: &std::path::Path) -> &'static str {
    let names: Vec<String> = parsed
        .directives
        .iter()
        .map(|d| parsed.name(d).into_owned())
        .collect();
    let has = |list: &[&str]| names.iter().any(|n| list.contains(&n.as_str()));
    if has(&[
        "http",
        "events",
        "worker_processes",
        "user",
        "load_module",
        "stream",
        "pid",
    ]) {
        "main"
    } else if has(&[
        "server",
        "upstream",
        "map",
        "geo",
        "log_format",
        "fastcgi_cache_path",
    ]) {
        "http"
    } else if has(&["location", "listen", "server_name"]) {
        "server"
    } else if has(&[
        "fastcgi_pass",
        "fastcgi_param",
        "fastcgi_index",
        "try_files",
    ]) {
        "location"
    } else if path.file_name().is_some_and(|n| n == "nginx.conf") {
        "main"
    } else {
        "http"
    }
}

fn body_context(parent_context: &str, name: &str) -> String {
    let catalogue = Catalogue::get(NginxVersion::Latest);
    catalogue
        .lookup(name)
        .iter()
        .filter(|s| s.block && s.allowed_in(parent_context))
        .find_map(|s| s.body_context(parent_context))
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
}

fn context_of(parsed: &ParsedFile, path: &std::path::Path, parents: &[&Directive]) -> String {
    let mut context = file_context(parsed, path).to_string();
    for p in parents {
        context = body_context(&context, &parsed.name(p));
    }
    context
}

/// The blocks whose body holds `offset` (an unterminated block runs to the end).
fn blocks_around(parsed: &ParsedFile, offset: usize) -> Vec<&Directive> {
    let mut out = Vec::new();
    let mut level: &[Directive] = &parsed.directives;
    loop {
        let inner = level.iter().find(|d| {
            d.block.as_ref().is_some_and(|b| {
                (b.span.start as usize) < offset
                    && (offset < b.span.end as usize
                        || (b.span.end as usize >= parsed.text.len()
                            && parsed.text.last() != Some(&b'}')))
            })
        });
        match inner.and_then(|d| d.block.as_ref().map(|b| (d, b))) {
            Some((d, b)) => {
                out.push(d);
                level = &b.directives;
            }
            None => return out,
        }
    }
}

fn markdown(value: String) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    }
}

fn syntax_line(spec: &DirectiveSpec) -> String {
    let value = match spec.value_kind {
        "flag" => Some("on | off".to_string()),
        k if k.starts_with("enum:") => Some(k["enum:".len()..].replace('/', " | ")),
        k if k.starts_with("bitmask:") => {
            Some(format!("{} ...", k["bitmask:".len()..].replace('/', " | ")))
        }
        "msec" | "sec" => Some("time".to_string()),
        "size" => Some("size".to_string()),
        "num" => Some("number".to_string()),
        "path" => Some("path".to_string()),
        _ => None,
    };
    let args = match (&spec.arity, value) {
        (Arity::Flag, _) => " on | off".to_string(),
        (_, Some(v)) => format!(" {v}"),
        (Arity::Any, None) => " ...".to_string(),
        (Arity::AtLeast(n), None) => format!(" {}...", "value ".repeat(*n)),
        (Arity::OneOf(list), None) => {
            let max = list.iter().copied().max().unwrap_or(0);
            let min = list.iter().copied().min().unwrap_or(0);
            let mut s = String::new();
            for i in 0..max {
                s.push_str(if i < min { " value" } else { " [value]" });
            }
            s
        }
    };
    if spec.block {
        format!("{}{args} {{ ... }}", spec.name)
    } else {
        format!("{}{args};", spec.name)
    }
}

fn docs_link(spec: &DirectiveSpec) -> Option<String> {
    if spec.third_party.is_some() {
        return None;
    }
    let page = match spec.module {
        "ngx_core_module"
        | "ngx_events_module"
        | "ngx_event_core_module"
        | "ngx_openssl_module"
        | "ngx_regex_module"
        | "ngx_thread_pool_module"
        | "ngx_google_perftools_module" => "ngx_core_module".to_string(),
        m if matches!(spec.subsystem, "http" | "stream" | "mail") => {
            format!("{}/{m}", spec.subsystem)
        }
        _ => return None,
    };
    Some(format!(
        "https://nginx.org/en/docs/{page}.html#{}",
        spec.name
    ))
}

/// The hover text of an nginx directive from the catalogue.
pub fn nginx_directive_doc(name: &str) -> Option<String> {
    let specs = Catalogue::get(NginxVersion::Latest).lookup(name);
    let removed = Catalogue::removed(name);
    if specs.is_empty() {
        let r = removed?;
        return Some(format!(
            "**{name}** ({} subsystem)\n\nRemoved: present from nginx {} to {}; later releases refuse it.",
            r.subsystem, r.first, r.last
        ));
    }
    let mut out = String::new();
    for spec in specs {
        out.push_str(&format!("**{}** — `{}`", spec.name, spec.module));
        if let Some(tp) = spec.third_party {
            out.push_str(&format!(" (third-party: {tp})"));
        }
        out.push_str(&format!("\n\n```nginx\n{}\n```\n\n", syntax_line(spec)));
        out.push_str(&format!("- Contexts: {}\n", spec.contexts.join(", ")));
        let since = if spec.since.starts_with("<=") {
            "every release (since 0.1.0 or earlier)".to_string()
        } else {
            spec.since.to_string()
        };
        out.push_str(&format!("- Since: {since}\n"));
        if let Some(r) = &removed {
            out.push_str(&format!("- Removed after: {}\n", r.last));
        }
        if !spec.build.is_empty() {
            out.push_str(&format!("- Build: {}\n", spec.build));
        }
        if let Some(v) = Catalogue::get(NginxVersion::V1_22).lookup(name).first() {
            let _ = v;
        } else if spec.third_party.is_none() {
            out.push_str("- Not in nginx 1.22 (Debian bookworm)\n");
        }
        if !spec.notes.is_empty() {
            out.push_str(&format!("- Notes: {}\n", spec.notes));
        }
        if let Some(link) = docs_link(spec) {
            out.push_str(&format!("\n[nginx documentation]({link})\n"));
        }
        out.push('\n');
    }
    Some(out.trim_end().to_string())
}

/// The hover text of a php-fpm key from php-fpm's table.
pub fn fpm_directive_doc(key: &str) -> Option<String> {
    let d = fpm_conf_parser::fpm_directive(key)?;
    let mut out = format!(
        "**{}** — php-fpm, {} section\n\n- Type: {}\n- Default: {}\n",
        d.name,
        d.section.replace('|', " or "),
        d.kind,
        d.default
    );
    if !d.constraints.is_empty() {
        out.push_str(&format!("- Accepts: {}\n", d.constraints));
    }
    if !d.since.is_empty() {
        out.push_str(&format!("- Since: PHP {}\n", d.since));
    }
    Some(out.trim_end().to_string())
}

fn rule_doc(meta: &RuleMeta) -> String {
    format!(
        "**{} {}** ({})\n\n{}.\n\n{}\n\n**Fix:** {}\n\n[Rule documentation]({})",
        meta.code,
        meta.name,
        meta.severity.as_str(),
        meta.summary,
        meta.doc,
        meta.fix,
        meta.url()
    )
}

fn within(range: &Range, p: Position) -> bool {
    range.start <= p && p <= range.end
}

/// Hover: the directive or key under the cursor, and the doc of any finding there.
pub fn hover(
    doc: &File,
    offset: usize,
    position: Position,
    published: &[Published],
    rules: &[&'static RuleMeta],
) -> Option<Hover> {
    let mut parts = Vec::new();
    match &doc.syntax {
        Syntax::Nginx(parsed) => {
            if let Some(at) = at(parsed, offset) {
                if at.arg.is_none() {
                    parts.extend(nginx_directive_doc(&parsed.name(at.directive)));
                }
            }
        }
        Syntax::Fpm(lines) => {
            for line in lines {
                if let Line::Entry(e) = line {
                    if contains(e.key_span, offset) {
                        parts.extend(fpm_directive_doc(&e.key));
                    }
                }
            }
        }
        Syntax::Other => {}
    }
    for p in published.iter().filter(|p| within(&p.lsp.range, position)) {
        if let Some(meta) = rules.iter().find(|r| r.code == p.code) {
            let doc = rule_doc(meta);
            if !parts.contains(&doc) {
                parts.push(doc);
            }
        }
    }
    (!parts.is_empty()).then(|| markdown(parts.join("\n\n---\n\n")))
}

fn item(
    label: String,
    kind: CompletionItemKind,
    detail: Option<String>,
    replace: Range,
) -> CompletionItem {
    CompletionItem {
        label: label.clone(),
        kind: Some(kind),
        detail,
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: replace,
            new_text: label,
        })),
        ..Default::default()
    }
}

fn pool_address(listen: &fpm_conf_parser::Listen) -> Option<String> {
    match listen {
        fpm_conf_parser::Listen::Unix(p) => Some(format!("unix:{}", p.display())),
        fpm_conf_parser::Listen::Tcp {
            host,
            port: Some(port),
            ..
        } => Some(match host {
            fpm_conf_parser::ListenHost::Any => format!("127.0.0.1:{port}"),
            fpm_conf_parser::ListenHost::V4(ip) => format!("{ip}:{port}"),
            fpm_conf_parser::ListenHost::V6(ip) => format!("[{ip}]:{port}"),
            fpm_conf_parser::ListenHost::Name(n) => format!("{n}:{port}"),
        }),
        fpm_conf_parser::Listen::Tcp { port: None, .. } => None,
    }
}

/// Completion at `offset` of the document.
pub fn completion(doc: &File, offset: usize, index: &Index) -> Vec<CompletionItem> {
    let text = &doc.text[..offset.min(doc.text.len())];
    let line_start = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let line = String::from_utf8_lossy(&text[line_start..]).into_owned();
    // The word being typed, replaced by the chosen item.
    let word_len = line
        .chars()
        .rev()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '{' | '}' | '=' | '"' | '\''))
        .map(char::len_utf8)
        .sum::<usize>();
    let prefix = &line[line.len() - word_len..];
    let replace = doc.lines.range(&doc.text, offset - word_len, offset);
    let mut out: Vec<CompletionItem> = Vec::new();
    match &doc.syntax {
        Syntax::Nginx(parsed) => {
            if line.contains('#') {
                return out;
            }
            // The statement being typed: from the last `;`, `{` or `}` on this line (a
            // statement being written is one line; continuation lines are rare).
            let start = text[line_start..]
                .iter()
                .rposition(|b| matches!(b, b';' | b'{' | b'}'))
                .map_or(line_start, |i| line_start + i + 1);
            let statement = String::from_utf8_lossy(&text[start..]).into_owned();
            let words: Vec<&str> = statement
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .flat_map(str::split_whitespace)
                .collect();
            let typing_name = words.is_empty() || (words.len() == 1 && word_len > 0);
            if typing_name {
                let parents = blocks_around(parsed, offset);
                let context = context_of(parsed, &doc.path, &parents);
                let catalogue = Catalogue::get(NginxVersion::Latest);
                let mut names: Vec<(&str, &DirectiveSpec)> = catalogue
                    .names()
                    .filter(|n| n.starts_with(prefix))
                    .filter_map(|n| {
                        catalogue
                            .lookup(n)
                            .iter()
                            .find(|s| s.third_party.is_none() && s.allowed_in(&context))
                            .map(|s| (n, s))
                    })
                    .collect();
                names.sort_by_key(|(n, _)| *n);
                for (n, spec) in names {
                    out.push(item(
                        n.to_string(),
                        CompletionItemKind::KEYWORD,
                        Some(spec.module.to_string()),
                        replace,
                    ));
                }
                return out;
            }
            let directive = words[0];
            let spec = Catalogue::get(NginxVersion::Latest)
                .lookup(directive)
                .first();
            let mut values: Vec<(String, CompletionItemKind, Option<String>)> = Vec::new();
            if let Some(spec) = spec {
                if spec.value_kind == "flag" {
                    values.extend(
                        ["on", "off"].map(|v| (v.to_string(), CompletionItemKind::VALUE, None)),
                    );
                } else if let Some(list) = spec
                    .value_kind
                    .strip_prefix("enum:")
                    .or_else(|| spec.value_kind.strip_prefix("bitmask:"))
                {
                    values.extend(
                        list.split('/')
                            .map(|v| (v.to_string(), CompletionItemKind::VALUE, None)),
                    );
                }
            }
            match directive {
                "fastcgi_pass" => {
                    for pool in index.pools() {
                        if let Some(a) = pool_address(&pool.listen) {
                            values.push((
                                a,
                                CompletionItemKind::REFERENCE,
                                Some(format!("php-fpm pool [{}]", pool.pool)),
                            ));
                        }
                    }
                    for (i, u) in index.directives("upstream") {
                        if let (Syntax::Nginx(p), Some(a)) =
                            (&index.files[i].syntax, u.args.first())
                        {
                            values.push((
                                p.str(a).into_owned(),
                                CompletionItemKind::REFERENCE,
                                Some("upstream".into()),
                            ));
                        }
                    }
                }
                "include" => {
                    for f in &index.files {
                        if !matches!(f.syntax, Syntax::Nginx(_)) || f.path == doc.path {
                            continue;
                        }
                        let shown = f
                            .path
                            .strip_prefix("/etc/nginx")
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|_| f.path.display().to_string());
                        values.push((shown, CompletionItemKind::FILE, None));
                    }
                }
                _ => {}
            }
            let mut seen = std::collections::HashSet::new();
            for (v, kind, detail) in values {
                if v.starts_with(prefix) && seen.insert(v.clone()) {
                    out.push(item(v, kind, detail, replace));
                }
            }
        }
        Syntax::Fpm(_) => {
            let trimmed = line.trim_start();
            if trimmed.starts_with(';') || trimmed.starts_with('#') || trimmed.starts_with('[') {
                return out;
            }
            if let Some((key, _)) = line.split_once('=') {
                let key = key.trim();
                let mut values: Vec<&str> = Vec::new();
                if let Some(d) = fpm_conf_parser::fpm_directive(key) {
                    if d.kind.starts_with("boolean") {
                        values.extend(["yes", "no"]);
                    } else if d.kind.starts_with("enum") {
                        if let Some(list) = d
                            .constraints
                            .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
                            .find(|w| w.contains('|'))
                        {
                            values.extend(list.split('|').filter(|v| !v.is_empty()));
                        }
                    }
                }
                for v in values {
                    if v.starts_with(prefix) {
                        out.push(item(
                            v.to_string(),
                            CompletionItemKind::VALUE,
                            None,
                            replace,
                        ));
                    }
                }
                return out;
            }
            // The section the cursor is in: the last `[name]` above it.
            let above = String::from_utf8_lossy(text);
            let section = above
                .lines()
                .rev()
                .find_map(|l| l.trim().strip_prefix('[').and_then(|r| r.split(']').next()))
                .map(str::to_string);
            let global = section.as_deref().is_none_or(|s| s == "global");
            for d in fpm_conf_parser::fpm_directives() {
                let fits = if global {
                    d.section.contains("global")
                } else {
                    d.section.contains("pool")
                };
                let name = d.name.split('[').next().unwrap_or(d.name);
                if fits && name.starts_with(prefix) && !out.iter().any(|i| i.label == name) {
                    out.push(item(
                        name.to_string(),
                        CompletionItemKind::PROPERTY,
                        Some(d.kind.to_string()),
                        replace,
                    ));
                }
            }
        }
        Syntax::Other => {}
    }
    out
}

fn variable_at(text: &str, offset_in: usize) -> Option<String> {
    // The `$name` (or `${name}`) whose bytes hold the offset.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let braced = bytes.get(i + 1) == Some(&b'{');
            let start = i + 1 + usize::from(braced);
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if i <= offset_in && offset_in <= end && end > start {
                return Some(text[start..end].to_string());
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

const PASSES: [&str; 5] = [
    "fastcgi_pass",
    "proxy_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
];

/// Go to definition.
pub fn definition(doc: &File, offset: usize, index: &Index) -> Vec<Location> {
    let Syntax::Nginx(parsed) = &doc.syntax else {
        return Vec::new();
    };
    let Some(at) = at(parsed, offset) else {
        return Vec::new();
    };
    let Some(i) = at.arg else {
        return Vec::new();
    };
    let token = &at.directive.args[i];
    let raw = doc.str(token.span);
    let name = parsed.name(at.directive);
    if let Some(var) = variable_at(&raw, offset - token.span.start as usize) {
        return index.variable_definitions(&var);
    }
    let value = parsed.str(token).into_owned();
    let mut out = Vec::new();
    if name == "include" {
        for f in index.included(&doc.path, &value) {
            if let Some(uri) = &f.uri {
                out.push(Location {
                    uri: uri.clone(),
                    range: Range::default(),
                });
            }
        }
    } else if PASSES.contains(&&*name) && i == 0 {
        let target = parse_nginx_target(&value, name != "fastcgi_pass");
        if let NginxTarget::Tcp {
            host: TargetHost::Name(n),
            port: None,
        } = &target
        {
            for (f, u) in index.upstreams(n) {
                out.extend(index.files[f].location(u.span));
            }
        }
        if name == "fastcgi_pass" {
            for pool in index.pools() {
                if index.target_reaches(&target, &pool.listen) {
                    out.extend(index.files[pool.file].location(pool.span));
                }
            }
        }
    }
    out
}

/// References of a pool (the cursor on its `listen` line or its `[name]`): every
/// `fastcgi_pass` that reaches it.
pub fn references(doc: &File, offset: usize, index: &Index, declaration: bool) -> Vec<Location> {
    let Syntax::Fpm(lines) = &doc.syntax else {
        return Vec::new();
    };
    // The pool the cursor is in, and its listen line.
    let mut pool: Option<String> = None;
    let mut cursor_pool: Option<String> = None;
    for line in lines {
        match line {
            Line::Section { name, span } => {
                pool = Some(name.clone());
                if contains(*span, offset) {
                    cursor_pool = pool.clone();
                }
            }
            Line::Entry(e) => {
                if contains(e.key_span.to(e.value_span), offset) {
                    cursor_pool = pool.clone();
                }
            }
        }
    }
    let Some(cursor_pool) = cursor_pool else {
        return Vec::new();
    };
    let pools = index.pools();
    let Some(listen) = pools.iter().find(|p| {
        p.pool == cursor_pool && index.files[p.file].disk == doc.disk && doc.disk.is_some()
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if declaration {
        out.extend(index.files[listen.file].location(listen.span));
    }
    for (f, d) in index.directives("fastcgi_pass") {
        let Syntax::Nginx(p) = &index.files[f].syntax else {
            continue;
        };
        let Some(a) = d.args.first() else { continue };
        let target = parse_nginx_target(&p.str(a), false);
        if index.target_reaches(&target, &listen.listen) {
            if let Some(loc) = index.files[f].location(d.span) {
                if !out.contains(&loc) {
                    out.push(loc);
                }
            }
        }
    }
    out
}

#[allow(deprecated)] // DocumentSymbol::deprecated must be written, though deprecated.
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection: Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    }
}

fn nginx_symbols(
    file: &File,
    parsed: &ParsedFile,
    directives: &[Directive],
) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for d in directives {
        let name = parsed.name(d);
        let Some(block) = &d.block else { continue };
        let args: Vec<String> = d.args.iter().map(|a| parsed.str(a).into_owned()).collect();
        let children = nginx_symbols(file, parsed, &block.directives);
        let range = file
            .lines
            .range(&file.text, d.span.start as usize, d.span.end as usize);
        let selection = file.lines.range(
            &file.text,
            d.name.span.start as usize,
            d.name.span.end as usize,
        );
        let child_values = |wanted: &str| -> Vec<String> {
            block
                .directives
                .iter()
                .filter(|c| parsed.name(c) == wanted)
                .map(|c| {
                    c.args
                        .iter()
                        .map(|a| parsed.str(a).into_owned())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        };
        let (label, detail, kind) = match &*name {
            "server" => {
                let names = child_values("server_name");
                let listens = child_values("listen");
                (
                    if names.is_empty() {
                        "server".to_string()
                    } else {
                        format!("server {}", names.join(" "))
                    },
                    (!listens.is_empty()).then(|| format!("listen {}", listens.join(", "))),
                    SymbolKind::CLASS,
                )
            }
            "location" => (
                format!("location {}", args.join(" ")),
                None,
                SymbolKind::METHOD,
            ),
            "upstream" => (
                format!("upstream {}", args.join(" ")),
                None,
                SymbolKind::INTERFACE,
            ),
            "http" | "events" | "stream" | "mail" => (name.to_string(), None, SymbolKind::MODULE),
            "if" => (format!("if {}", args.join(" ")), None, SymbolKind::OPERATOR),
            "map" | "geo" | "split_clients" => (
                format!("{name} {}", args.join(" ")),
                None,
                SymbolKind::VARIABLE,
            ),
            "limit_except" => (
                format!("limit_except {}", args.join(" ")),
                None,
                SymbolKind::METHOD,
            ),
            _ => continue,
        };
        out.push(symbol(label, detail, kind, range, selection, children));
    }
    out
}

/// The outline: servers (names, listens), locations, upstreams; php-fpm pools (listen).
pub fn document_symbols(file: &File) -> Vec<DocumentSymbol> {
    match &file.syntax {
        Syntax::Nginx(parsed) => nginx_symbols(file, parsed, &parsed.directives),
        Syntax::Fpm(lines) => {
            let mut out: Vec<DocumentSymbol> = Vec::new();
            for line in lines {
                match line {
                    Line::Section { name, span } => {
                        let range =
                            file.lines
                                .range(&file.text, span.start as usize, span.end as usize);
                        let kind = if name == "global" {
                            SymbolKind::NAMESPACE
                        } else {
                            SymbolKind::CLASS
                        };
                        out.push(symbol(
                            format!("[{name}]"),
                            None,
                            kind,
                            range,
                            range,
                            Vec::new(),
                        ));
                    }
                    Line::Entry(e) => {
                        let Some(last) = out.last_mut() else { continue };
                        // The section runs to its last entry.
                        last.range.end = file.lines.position(&file.text, e.value_span.end as usize);
                        let key = e.key.to_ascii_lowercase();
                        if key == "listen" || key == "pm" {
                            let detail = format!("{key} = {}", e.value);
                            last.detail = Some(match &last.detail {
                                Some(d) => format!("{d}, {detail}"),
                                None => detail,
                            });
                        }
                    }
                }
            }
            out
        }
        Syntax::Other => Vec::new(),
    }
}

/// Code actions for the findings in `range`: suppress with a reason, and the rule's fix.
pub fn code_actions(
    uri: &Url,
    file: &File,
    range: Range,
    published: &[Published],
) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for p in published {
        // By lines: editors ask with the cursor (or the line), findings cover a word.
        let r = p.lsp.range;
        if r.end.line < range.start.line || range.end.line < r.start.line {
            continue;
        }
        let line = r.start.line as usize;
        let start = file.lines.line_start(line, file.text.len());
        let indent: String = file.text[start..]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .map(|b| *b as char)
            .collect();
        let comment = match kind_of(file) {
            FileKind::Nginx => '#',
            FileKind::Fpm => ';',
            _ => p.comment,
        };
        let insert = Position::new(line as u32, 0);
        let edit = TextEdit {
            range: Range::new(insert, insert),
            new_text: format!(
                "{indent}{comment} nginx-fpm-lint: ignore {} REASON\n",
                p.code
            ),
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Suppress {} on this line (replace REASON with why)", p.code),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![p.lsp.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            ..Default::default()
        }));
        if let Some((title, edits)) = &p.fix {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![p.lsp.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(edits.clone()),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
    }
    out
}

fn kind_of(file: &File) -> FileKind {
    match file.syntax {
        Syntax::Nginx(_) => FileKind::Nginx,
        Syntax::Fpm(_) => FileKind::Fpm,
        Syntax::Other => FileKind::Other,
    }
}
