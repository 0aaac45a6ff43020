//! `unknown "foo" variable`: nginx resolves every `$name` a directive compiles at the end
//! of the `http` block (`ngx_http_variables_init_vars`) against the variables its
//! modules define, the prefixes they answer (`$http_*`, `$arg_*`, ...) and those the
//! configuration defines (`set`, `map`, `geo`, `split_clients`, `auth_request_set`,
//! `perl_set`, `js_set`, named regex captures). One it cannot resolve fails `nginx -t`.
//!
//! The tables (`data/nginx-variables*.tsv`) were extracted from nginx's source: the
//! `ngx_http_variable_t` arrays and `ngx_http_add_variable` calls of every module at the
//! tags `release-1.22.1` and of the newest master (3f6f7824d).
//!
//! Conservative by design: only the `http` block of a whole tree (a snippet's definitions
//! may live elsewhere), only arguments nginx compiles as variables, and nothing at all
//! when a third-party module is loaded (it may define variables we do not know).

use foldhash::{HashSet, HashSetExt};
use std::borrow::Cow;

use lint_source::{Diagnostic, FileId, Severity, SourceMap, Span};

use crate::ast::Directive;
use crate::cache::StatementChecks;
use crate::catalogue::{Catalogue, NginxVersion};
use crate::config::{Config, Item, Items};

use super::codes::UNKNOWN_VARIABLE;

const LATEST_TSV: &str = include_str!("../../data/nginx-variables.tsv");
const V1_22_TSV: &str = include_str!("../../data/nginx-variables-1.22.1.tsv");

/// Prefixes answered by products built on nginx (NGINX Plus `$jwt_claim_*`, `$jwt_header_*`),
/// accepted so that their configurations are not called broken.
const EXTRA_PREFIXES: &[&str] = &["jwt_"];

/// Variables an http module defines: exact names and prefixes, lower case.
pub(super) struct Table {
    pub(super) names: HashSet<&'static str>,
    prefixes: Vec<&'static str>,
}

pub(super) fn table(version: NginxVersion) -> &'static Table {
    static LATEST: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    static V1_22: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let (cell, tsv) = match version {
        NginxVersion::Latest => (&LATEST, LATEST_TSV),
        NginxVersion::V1_22 => (&V1_22, V1_22_TSV),
    };
    cell.get_or_init(|| {
        let mut names = HashSet::new();
        let mut prefixes: Vec<&'static str> = EXTRA_PREFIXES.to_vec();
        for line in tsv.lines().skip(1) {
            let cols: Vec<&'static str> = line.split('\t').collect();
            match cols.as_slice() {
                ["http", name, "prefix", ..] => prefixes.push(name),
                ["http", name, _, ..] => {
                    names.insert(*name);
                }
                _ => {}
            }
        }
        Table { names, prefixes }
    })
}

/// A `$name` reference inside an argument: the name as written and its byte range in the text.
pub(super) fn references(text: &str) -> Vec<(&str, usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        let (start, braced) = if bytes.get(i + 1) == Some(&b'{') {
            (i + 2, true)
        } else {
            (i + 1, false)
        };
        let mut end = start;
        while end < bytes.len() && is_name(bytes[end]) {
            end += 1;
        }
        if braced && bytes.get(end) != Some(&b'}') {
            // `invalid variable name` territory: not this check's business.
            i = end.max(i + 1);
            continue;
        }
        // `$1`..`$9` are regex captures, never looked up as variables.
        if end > start && !bytes[start].is_ascii_digit() {
            out.push((&text[start..end], i, end + usize::from(braced)));
        }
        i = end.max(i + 1);
    }
    out
}

/// A `$` that `ngx_http_script_compile` refuses in an argument it compiles: nothing
/// or no name after it (`"5$"`, `$ `), or a `${` whose name is not closed by `}`
/// (`${APP_HOST:-php}`, a shell default some start script was meant to fill in).
struct ScriptError {
    message: String,
    start: usize,
    end: usize,
    /// `${NAME:-default}` / `${NAME-default}`: a placeholder for a renderer (envplate's
    /// `ep`, a shell `eval`), which nginx itself refuses.
    shell_default: bool,
}

impl ScriptError {
    fn diagnostic(&self, span: Span) -> Diagnostic {
        let d = Diagnostic::new(&super::codes::INVALID_VALUE, span, self.message.clone());
        if self.shell_default {
            rendered_first(d)
        } else {
            d.with_help("a literal `$` cannot be written in a value nginx compiles: name a variable after it, or define one that holds it (`geo $dollar { default \"$\"; }`, then `${dollar}`)")
        }
    }
}

/// A finding on a shell-style default (`${PORT:-8080}`): a warning that says nginx stops
/// there unless a start script renders the file first.
pub(super) fn rendered_first(d: Diagnostic) -> Diagnostic {
    d.with_severity(Severity::Warning)
        .with_note("a shell-style default: nginx stops here unless a start script renders the file first (envplate's `ep`, a shell `eval`)")
        .with_help("lint the rendered file, or write the value the renderer puts there")
}

fn script_error(text: &str) -> Option<ScriptError> {
    let b = text.as_bytes();
    let is_name = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let at = i;
        let invalid = |end: usize| ScriptError {
            message: "invalid variable name".to_string(),
            start: at,
            end,
            shell_default: false,
        };
        i += 1;
        let Some(&next) = b.get(i) else {
            return Some(invalid(b.len()));
        };
        if (b'1'..=b'9').contains(&next) {
            i += 1;
            continue;
        }
        let bracket = next == b'{';
        if bracket {
            i += 1;
            if i == b.len() {
                return Some(invalid(b.len()));
            }
        }
        let name_start = i;
        while i < b.len() && is_name(b[i]) {
            i += 1;
        }
        let name_end = i;
        if bracket {
            if b.get(i) == Some(&b'}') {
                i += 1;
            } else {
                return Some(ScriptError {
                    message: format!(
                        "the closing bracket in \"{}\" variable is missing",
                        &text[name_start..name_end]
                    ),
                    start: at,
                    end: text[at..].find('}').map_or(name_end, |e| at + e + 1),
                    shell_default: matches!(b.get(name_end), Some(b':' | b'-' | b'=')),
                });
            }
        }
        if name_end == name_start {
            return Some(invalid(i.max(at + 1)));
        }
    }
    None
}

/// Names defined by named captures of a regex: `(?<n>`, `(?P<n>`, `(?'n'`.
fn captures(pattern: &str, out: &mut Vec<String>) {
    // Every location and rewrite pattern comes here; few name a group, and most with a `?`
    // hold only `(?:` or `(?i)`. An opener's first three bytes are looked for in one pass
    // before the three substring searches below (which were a tenth of this check), after
    // a byte search for a `?` at all.
    if !pattern.as_bytes().contains(&b'?') {
        return;
    }
    let opens = pattern
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'(' && w[1] == b'?' && matches!(w[2], b'<' | b'P' | b'\''));
    if !opens {
        return;
    }
    for opener in ["(?<", "(?P<", "(?'"] {
        let mut rest = pattern;
        while let Some(at) = rest.find(opener) {
            rest = &rest[at + opener.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `(?<=` and `(?<!` are lookbehinds.
            if !name.is_empty() {
                out.push(name.to_ascii_lowercase());
            }
        }
    }
}

/// Strips `~`/`~*` from a regex argument.
fn regex_of(arg: &str) -> Option<&str> {
    arg.strip_prefix("~*").or_else(|| arg.strip_prefix('~'))
}

/// The variables `item` defines (by name) and the regexes whose named captures define more.
/// True when nginx `version` knows `$name` in `config`: one of its modules defines it (a
/// name or a prefix family), or a statement of the tree creates it (`set`, `map`, `geo`,
/// `split_clients`, `perl_set`, `js_set`, `auth_request_set`, a named regex capture): the
/// definitions NGX024 looks for, for rules that must not judge a name nginx refuses.
pub fn variable_defined(config: &Config, name: &str, version: NginxVersion) -> bool {
    let lower = name.to_ascii_lowercase();
    let table = table(version);
    if table.names.contains(lower.as_str()) || table.prefixes.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    let mut defined = Vec::new();
    let mut stack = vec![config.items()];
    while let Some(top) = stack.last_mut() {
        let Some(item) = top.next() else {
            stack.pop();
            continue;
        };
        definitions(&item, &mut defined);
        if defined.contains(&lower) {
            return true;
        }
        defined.clear();
        if item.is_block() {
            stack.push(item.children());
        }
    }
    false
}

fn definitions(item: &Item<'_>, defined: &mut Vec<String>) {
    let mut define = |arg: Option<std::borrow::Cow<'_, str>>| {
        if let Some(name) = arg.as_deref().and_then(|a| a.strip_prefix('$')) {
            defined.push(name.to_ascii_lowercase());
        }
    };
    let name = item.name();
    match name.as_ref() {
        "set" | "perl_set" | "js_set" | "js_var" | "auth_request_set" => define(item.arg(0)),
        "map" | "split_clients" if item.is_block() => define(item.arg(1)),
        "geo" if item.is_block() => define(item.arg(item.arg_count().saturating_sub(1))),
        "location" => {
            let last = item.arg(item.arg_count().saturating_sub(1));
            if let Some(arg) = last {
                let pattern = if item.arg_count() == 2 {
                    Some(arg.as_ref())
                } else {
                    regex_of(&arg)
                };
                if let Some(p) = pattern {
                    captures(p, defined);
                }
            }
        }
        "server_name" => {
            for arg in item.args() {
                if let Some(p) = arg.strip_prefix('~') {
                    captures(p, defined);
                }
            }
        }
        "rewrite" | "fastcgi_split_path_info" | "if" => {
            for arg in item.args() {
                captures(&arg, defined);
            }
        }
        _ => {
            // Regex keys of a map block.
            if let Some(p) = regex_of(&name) {
                captures(p, defined);
            }
        }
    }
}

/// The arguments of `item` nginx compiles as scripts (their `$name` are looked up), given
/// the enclosing block's directive name (`map` entries have their values compiled).
fn compiled_args(item: &Item<'_>, parent: &str, catalogue: &Catalogue) -> Vec<usize> {
    let n = item.arg_count();
    let name = item.name();
    if parent == "map" {
        // `key value;` — a value with `$` is a complex value; keys are literal or regexes.
        return match name.as_ref() {
            "hostnames" | "volatile" | "include" => Vec::new(),
            _ if n == 1 => vec![0],
            _ => Vec::new(),
        };
    }
    if matches!(
        parent,
        "geo" | "split_clients" | "types" | "upstream" | "limit_except"
    ) && name != "hash"
    {
        return Vec::new();
    }
    match name.as_ref() {
        "return"
        | "try_files"
        | "index"
        | "proxy_no_cache"
        | "proxy_cache_bypass"
        | "fastcgi_no_cache"
        | "fastcgi_cache_bypass"
        | "uwsgi_no_cache"
        | "uwsgi_cache_bypass"
        | "scgi_no_cache"
        | "scgi_cache_bypass"
        | "grpc_no_cache"
        | "sub_filter"
        | "image_filter" => (0..n).collect(),
        "root"
        | "alias"
        | "proxy_pass"
        | "fastcgi_pass"
        | "uwsgi_pass"
        | "scgi_pass"
        | "grpc_pass"
        | "memcached_pass"
        | "proxy_cache_key"
        | "fastcgi_cache_key"
        | "uwsgi_cache_key"
        | "scgi_cache_key"
        | "limit_req_zone"
        | "limit_conn_zone"
        | "ssl_certificate"
        | "ssl_certificate_key"
        | "secure_link"
        | "secure_link_md5"
        | "auth_basic"
        | "auth_basic_user_file"
        | "hash"
        | "map"
        | "split_clients" => vec![0],
        "rewrite" | "set" | "add_header" | "add_trailer" | "proxy_set_header"
        | "grpc_set_header" | "fastcgi_param" | "uwsgi_param" | "scgi_param"
        | "auth_request_set" => vec![1],
        "geo" if n == 2 => vec![0],
        // ngx_http_headers_expires: a value with `$` is a complex value (`expires
        // modified $x` too).
        "expires" => vec![n.saturating_sub(1)],
        "error_page" => n.checked_sub(1).into_iter().collect(),
        "log_format" => (1..n)
            .filter(|&i| !item.arg(i).is_some_and(|a| a.starts_with("escape=")))
            .collect(),
        "access_log" => (0..n)
            .filter(|&i| i == 0 || item.arg(i).is_some_and(|a| a.starts_with("if=")))
            .collect(),
        "if" => if_operands(item),
        _ => {
            let complex = catalogue.lookup(&name).iter().any(|spec| {
                spec.subsystem == "http"
                    && matches!(
                        spec.set_handler,
                        "ngx_http_set_complex_value_slot"
                            | "ngx_http_set_complex_value_size_slot"
                            | "ngx_http_set_complex_value_zero_slot"
                            | "ngx_http_set_predicate_slot"
                    )
            });
            if complex {
                (0..n).collect()
            } else {
                Vec::new()
            }
        }
    }
}

/// The words of an `if` condition that are variables or compiled values: the tested
/// variable, the operand of `=`/`!=` and the file of `-f`-style tests (not a regex).
fn if_operands(item: &Item<'_>) -> Vec<usize> {
    let n = item.arg_count();
    let words: Vec<String> = item.args().map(|a| a.into_owned()).collect();
    let regex = words
        .iter()
        .position(|w| matches!(w.as_str(), "~" | "~*" | "!~" | "!~*"));
    match regex {
        // The regex is the last word (after the operator); everything before is compiled.
        Some(op) => (0..op).collect(),
        None => (0..n).collect(),
    }
}

/// Whether the statement is written in a template a start script renders with envsubst.
pub(super) fn is_template(map: &SourceMap, item: &Item<'_>) -> bool {
    map.get(item.file.id).is_envsubst_template()
}

/// A `$name` a statement compiles that neither nginx's tables nor a template's
/// placeholders explain: unknown unless the configuration defines it.
#[derive(Clone, Debug)]
pub(crate) struct Reference {
    /// As written.
    name: String,
    /// In lower case (nginx's names ignore case).
    lower: String,
    /// Where it is written.
    span: Span,
}

/// What one `server` block of http defines and uses, kept between an editor's runs by
/// the block's file, offset and spliced files (as the statement walk keeps its blocks):
/// nothing in it depends on what lies outside the block.
#[derive(Clone, Debug)]
pub(crate) struct ServerVariables {
    /// The files spliced into the block, in walk order.
    pub(crate) spliced: Vec<FileId>,
    /// The names its statements define (lower case).
    defined: Vec<String>,
    /// The names its statements use that nginx's tables do not know, in walk order.
    references: Vec<Reference>,
    /// What nginx's script compiler refuses in its statements (`invalid variable name`).
    script_errors: Vec<Diagnostic>,
}

/// A `server` block being walked whose findings are kept: its key, where its references
/// start, the names it defines, and how deep in the walk it lies.
struct Recording {
    key: (FileId, u32),
    spliced: Vec<FileId>,
    references_from: usize,
    script_errors_from: usize,
    defined: Vec<String>,
    depth: usize,
}

/// The memo of an incremental linter's load-time checks, with the splice index its keys
/// are found with.
type Memo<'m, 'a> = (
    Option<&'m mut StatementChecks>,
    &'m mut Option<crate::config::SpliceIndex<'a>>,
);

/// Reports every `$name` in the http block that nginx would not know (placeholders of a
/// template left to the start script that renders it). With a memo, `server` blocks of
/// http whose files did not change are not walked again: what they define and use is
/// kept.
pub(super) fn check<'a>(
    config: &'a Config,
    map: &SourceMap,
    (version, version_assumed): (NginxVersion, bool),
    third_party_loaded: bool,
    repeated: &foldhash::HashSet<FileId>,
    (mut memo, splices): Memo<'_, 'a>,
    out: &mut Vec<Diagnostic>,
) {
    if third_party_loaded {
        return;
    }
    let table = table(version);
    let catalogue = Catalogue::get(version);
    // An include the tree could not read (not provided, missing) may `set` or `map` any
    // name: cPanel's server blocks use $CPANEL_APACHE_PROXY_IP from cpanel-proxy.conf,
    // which its installer writes. Unknown names are then notes, not errors.
    let unread_include = config.diagnostics.iter().any(|d| {
        d.code == crate::codes::INCLUDE_UNKNOWN.code
            || d.code == crate::codes::INCLUDE_NOT_FOUND.code
    });
    let mut budget = MAX_SUGGESTION_COMPARISONS;
    for http in config.items().filter(|i| i.is("http") && i.is_block()) {
        let mut defined: HashSet<String> = HashSet::new();
        let mut reported: HashSet<String> = HashSet::new();
        // A snippet included in many blocks (fastcgi.conf in every PHP location) is the
        // same statements each time: under the same parent they reference the same names,
        // and each name is reported once. Checked once per (statement, parent) — within
        // one kept `server` block when blocks are kept, since a kept block must hold
        // every name it uses whatever other blocks hold.
        //
        // A statement of a file spliced more than once (`repeated`) is looked up first:
        // seen under the same parent, its definitions are already known too (they do not
        // depend on the parent), so nothing of it is read again. The parent is kept as its
        // index among the walk's block names (`parents`), not its text.
        let mut checked: HashSet<(*const Directive, u32)> = HashSet::new();
        let mut parents: Vec<Cow<'_, str>> = vec!["http".into()];
        // One walk, with the parent's name (to know map entries and upstream lines): every
        // statement's definitions, and the names statements reference, checked once
        // every name is known (a `set` further down defines a name used above it). Two
        // walks through the include splicer were a tenth of an editor's re-lint.
        let mut references: Vec<Reference> = Vec::new();
        // Reported as found; a kept `server` block's come from the memo (they were
        // missed after an edit elsewhere, which the incremental differential showed).
        let mut script_errors: Vec<Diagnostic> = Vec::new();
        let mut recording: Option<Recording> = None;
        let mut names: Vec<String> = Vec::new();
        let mut stack: Vec<(Items<'_>, u32)> = vec![(http.children(), 0)];
        loop {
            let depth = stack.len();
            let Some((top, parent_at)) = stack.last_mut() else {
                break;
            };
            let parent_at = *parent_at;
            let Some(item) = top.next() else {
                stack.pop();
                if let Some(r) = recording.take_if(|r| r.depth >= depth) {
                    if let Some(memo) = memo.as_deref_mut() {
                        memo.variables.insert(
                            r.key,
                            ServerVariables {
                                spliced: r.spliced,
                                defined: r.defined,
                                references: references[r.references_from..].to_vec(),
                                script_errors: script_errors[r.script_errors_from..].to_vec(),
                            },
                        );
                    }
                }
                continue;
            };
            if depth == 1 && item.is("server") && item.is_block() {
                let unit = memo
                    .as_deref()
                    .and_then(|m| super::server_unit(m, splices, &item));
                if let Some((key, spliced)) = unit {
                    let kept = memo.as_deref().and_then(|m| m.variables.get(&key));
                    if let Some(kept) = kept.filter(|k| k.spliced == spliced) {
                        defined.extend(kept.defined.iter().cloned());
                        references.extend(kept.references.iter().cloned());
                        script_errors.extend(kept.script_errors.iter().cloned());
                        continue;
                    }
                    if let Some(memo) = memo.as_deref_mut() {
                        memo.variable_servers_walked += 1;
                    }
                    checked.clear();
                    recording = Some(Recording {
                        key,
                        spliced,
                        references_from: references.len(),
                        script_errors_from: script_errors.len(),
                        defined: Vec::new(),
                        depth: depth + 1,
                    });
                }
            }
            let key = (std::ptr::from_ref(item.directive), parent_at);
            let spliced_again = repeated.contains(&item.file.id);
            if spliced_again && !checked.insert(key) {
                if item.is_block() {
                    let name = item.name();
                    let at = parent_index(&mut parents, name);
                    stack.push((item.children(), at));
                }
                continue;
            }
            let parent = parents.get(parent_at as usize).map_or("", |p| p.as_ref());
            definitions(&item, &mut names);
            if let Some(r) = recording.as_mut() {
                r.defined.extend(names.iter().cloned());
            }
            defined.extend(names.drain(..));
            // Most statements reference no variable: skip them before any text is made.
            let any_reference = item
                .directive
                .args
                .iter()
                .any(|t| item.file.bytes(t).contains(&b'$'));
            if any_reference && (spliced_again || checked.insert(key)) {
                for i in compiled_args(&item, parent, catalogue) {
                    let Some(arg) = item.arg(i) else { continue };
                    if let Some(error) = script_error(&arg) {
                        if !is_template(map, &item) {
                            script_errors.push(error.diagnostic(span_within(
                                &item,
                                i,
                                &arg,
                                error.start,
                                error.end,
                            )));
                        }
                        continue;
                    }
                    for (name, start, end) in self::references(&arg) {
                        if crate::envsubst::is_placeholder(&arg[start..end])
                            && is_template(map, &item)
                        {
                            continue;
                        }
                        let lower = name.to_ascii_lowercase();
                        if table.names.contains(lower.as_str())
                            || table.prefixes.iter().any(|p| lower.starts_with(p))
                        {
                            continue;
                        }
                        references.push(Reference {
                            name: name.to_string(),
                            lower,
                            span: span_within(&item, i, &arg, start, end),
                        });
                    }
                }
            }
            if item.is_block() {
                let name = item.name();
                let at = parent_index(&mut parents, name);
                stack.push((item.children(), at));
            }
        }
        out.append(&mut script_errors);
        for Reference { name, lower, span } in references {
            if defined.contains(&lower) || !reported.insert(lower.clone()) {
                continue;
            }
            let newer = version != NginxVersion::Latest && {
                let latest = self::table(NginxVersion::Latest);
                latest.names.contains(lower.as_str())
                    || latest.prefixes.iter().any(|p| lower.starts_with(p))
            };
            if newer {
                // `$http3` (1.25.0): known to a newer nginx than this table's.
                let d = Diagnostic::new(
                    &UNKNOWN_VARIABLE,
                    span,
                    format!(
                        "unknown \"{name}\" variable in nginx {}: a newer nginx defines it",
                        version.label()
                    ),
                );
                out.push(if version_assumed {
                    // A guess about which nginx runs is no ground for an error.
                    d.with_severity(Severity::Note).with_help(
                        "no image or package says which nginx runs these files, and this one was assumed: if it is newer, say so with --nginx-version",
                    )
                } else {
                    d.with_help(format!(
                        "nginx {} refuses to start on it: upgrade nginx, or drop the variable",
                        version.label()
                    ))
                });
                continue;
            }
            let help = match nearest(&lower, table, &defined, &mut budget) {
                Some(near) => format!("did you mean ${near}?"),
                None => format!(
                    "no module of nginx {} defines ${name} and nothing in the configuration sets it: fix the name, or define it (`set`, `map`)",
                    version.label()
                ),
            };
            let d = Diagnostic::new(
                &UNKNOWN_VARIABLE,
                span,
                format!("unknown \"{name}\" variable"),
            )
            .with_help(help);
            out.push(if unread_include {
                d.with_severity(Severity::Note).with_note(
                    "an include of this configuration could not be read (NGX002, NGX005): it may set the variable",
                )
            } else {
                d
            });
        }
    }
}

/// The index of a block's name among `parents` (added when new): a walk meets a handful.
fn parent_index<'a>(parents: &mut Vec<Cow<'a, str>>, name: Cow<'a, str>) -> u32 {
    let at = match parents.iter().position(|p| *p == name) {
        Some(at) => at,
        None => {
            parents.push(name);
            parents.len() - 1
        }
    };
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// Misspelt names longer than this get no suggestion: the edit distance costs the product
/// of the lengths, and a configuration's own long names (found by fuzzing: 40 `set`s and 40
/// uses of 1000-byte names took a minute) would make it quadratic in the file's size.
const MAX_SUGGESTED_NAME: usize = 64;

/// Names compared for "did you mean" suggestions in one configuration, at most: each
/// unknown variable is compared with every known one, so thousands of `set`s and
/// thousands of unknown names were quadratic (4 000 of each: 5 s). Past the budget an
/// unknown variable is still reported, without a suggestion.
const MAX_SUGGESTION_COMPARISONS: usize = 400_000;

/// The known variable closest to a misspelt one (edit distance at most 2), within what
/// is left of the comparison `budget`.
fn nearest<'t>(
    name: &str,
    table: &'t Table,
    defined: &'t HashSet<String>,
    budget: &mut usize,
) -> Option<&'t str> {
    let candidates = table.names.len() + defined.len();
    if name.len() > MAX_SUGGESTED_NAME || *budget < candidates {
        return None;
    }
    *budget -= candidates;
    table
        .names
        .iter()
        .copied()
        .chain(defined.iter().map(String::as_str))
        // Bounded: banded and stopped at the first row past 2.
        .filter_map(|known| {
            lint_source::distance::levenshtein_within(name, known, 2).map(|d| (d, known))
        })
        .min()
        .map(|(_, known)| known)
}

/// The span of `$name` inside argument `i` when the argument is written unquoted and
/// unescaped (its text is the source bytes), else the argument's span.
fn span_within(item: &Item<'_>, i: usize, arg: &str, start: usize, end: usize) -> Span {
    let span = item.arg_span(i);
    let (Ok(len), Ok(start), Ok(end)) = (
        u32::try_from(arg.len()),
        u32::try_from(start),
        u32::try_from(end),
    ) else {
        return span;
    };
    // Unquoted, or quoted without escapes: the text is the source bytes (after the quote).
    let offset = match span.end - span.start {
        n if n == len => 0,
        n if n == len + 2 => 1,
        _ => return span,
    };
    Span {
        file: span.file,
        start: span.start + offset + start,
        end: span.start + offset + end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_nginx_refuses() {
        let error = |t: &str| script_error(t).map(|e| (e.message, e.start, e.end, e.shell_default));
        assert_eq!(error("$a ${b}c $1 $_x"), None);
        assert_eq!(
            error("price: 5$"),
            Some(("invalid variable name".into(), 8, 9, false))
        );
        assert_eq!(
            error("$ x"),
            Some(("invalid variable name".into(), 0, 1, false))
        );
        assert_eq!(
            error("a${"),
            Some(("invalid variable name".into(), 1, 3, false))
        );
        assert_eq!(
            error("${NGINX_FASTCGI_PASS:-php}:9000"),
            Some((
                "the closing bracket in \"NGINX_FASTCGI_PASS\" variable is missing".into(),
                0,
                26,
                true
            ))
        );
        assert_eq!(
            error("${host"),
            Some((
                "the closing bracket in \"host\" variable is missing".into(),
                0,
                6,
                false
            ))
        );
    }

    #[test]
    fn references_follow_nginx_script_syntax() {
        let names: Vec<&str> = references("$a${b}c$1$_x$ ${bad")
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(names, ["a", "b", "_x"]);
        let mut set = Vec::new();
        captures(r"^/(?<Year>\d+)/(?P<m>\d+)/(?'d'\d+)(?<=x)(?<!y)", &mut set);
        let mut got: Vec<_> = set.into_iter().collect();
        got.sort();
        assert_eq!(got, ["d", "m", "year"]);
        let mut set = Vec::new();
        captures(r"\.(?:css|js)$(?i)x?y?(?", &mut set);
        assert!(set.is_empty(), "{set:?}");
        captures(r"^/(?:a|b)/(?<Slug>[a-z]+)?$", &mut set);
        assert_eq!(set, ["slug"]);
    }

    #[test]
    fn the_tables_know_the_common_variables() {
        for version in [NginxVersion::V1_22, NginxVersion::Latest] {
            let t = table(version);
            for name in [
                "document_root",
                "fastcgi_script_name",
                "request_uri",
                "realpath_root",
                "gzip_ratio",
                "uid_got",
                "upstream_response_time",
            ] {
                assert!(t.names.contains(name), "{name} in {version:?}");
            }
            assert!(t.prefixes.contains(&"http_") && t.prefixes.contains(&"upstream_cookie_"));
        }
        assert!(!table(NginxVersion::V1_22).names.contains("request_port"));
        assert!(table(NginxVersion::Latest).names.contains("request_port"));
    }
}

#[cfg(test)]
mod variable_defined_tests {
    use super::*;

    fn config(text: &str, map: &SourceMap) -> Config {
        let dump = format!("# configuration file /etc/nginx/nginx.conf:\n{text}");
        crate::from_dump(std::path::Path::new("nginx-T.txt"), dump.as_bytes(), map)
    }

    #[test]
    fn definitions_beyond_set_and_map_and_module_names_count() {
        let map = SourceMap::new();
        let c = config(
            "events {}\nhttp {\n split_clients \"$remote_addr\" $half { 50% a; * b; }\n server { location ~ (?<tail>.+) { set $x 1; } }\n}\n",
            &map,
        );
        for name in ["half", "tail", "x", "host", "http_x_backend", "HOST"] {
            assert!(variable_defined(&c, name, NginxVersion::Latest), "{name}");
        }
        for name in ["php_backend", "halfx"] {
            assert!(!variable_defined(&c, name, NginxVersion::Latest), "{name}");
        }
    }
}
