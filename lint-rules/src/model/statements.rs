//! The statements security rules read, kept as a compact tree after the syntax trees
//! are freed: every block (`http`, `server`, `location`, `if`, `map`, ...) with the
//! path from the root through includes already spliced, and inside them only the
//! directives named in [`KEPT`] (plus every entry of `map`/`geo`-like bodies).
//!
//! Nodes are stored in document order; a node's subtree is the index range
//! `index + 1 .. node.end`, so walking children and ancestors costs no allocation.
//! Directives that no rule here reads (`fastcgi_param` above all, dozens per
//! location) are left out: the tree stays a small fraction of the input.

use lint_source::Span;
use nginx_conf_parser::{Config, Item, Quote};

/// Directives kept besides blocks. Add a name here when a rule needs it.
pub const KEPT: &[&str] = &[
    "access_log",
    "add_header",
    "add_header_inherit",
    "add_trailer",
    "alias",
    "allow",
    "auth",
    "auth_basic",
    "auth_http",
    "auth_request",
    "autoindex",
    "charset",
    "dav_methods",
    "default_type",
    "deny",
    "error_log",
    "error_page",
    "fastcgi_hide_header",
    "fastcgi_pass",
    "fastcgi_pass_header",
    "fastcgi_split_path_info",
    "grpc_pass",
    "grpc_set_header",
    "http2",
    "http3",
    "ignore_invalid_headers",
    "imap_auth",
    "internal",
    "keepalive_requests",
    "large_client_header_buffers",
    "listen",
    "memcached_pass",
    "merge_slashes",
    "more_clear_headers",
    "more_set_headers",
    "mp4",
    "pop3_auth",
    "protocol",
    "proxy_buffering",
    "proxy_cache_background_update",
    "proxy_hide_header",
    "proxy_http_version",
    "proxy_intercept_errors",
    "proxy_pass",
    "proxy_pass_header",
    "proxy_redirect",
    "proxy_set_header",
    "proxy_set_header_inherit",
    "proxy_ssl_certificate",
    "proxy_ssl_certificate_key",
    "proxy_ssl_ciphers",
    "proxy_ssl_protocols",
    "proxy_ssl_session_reuse",
    "proxy_ssl_verify",
    "quic_bpf",
    "resolver",
    "resolver_timeout",
    "return",
    "rewrite",
    "root",
    "satisfy",
    "scgi_pass",
    "security_headers",
    "server_name",
    "server_tokens",
    "set",
    "slice",
    "smtp_auth",
    "smtp_capabilities",
    "smtp_client_buffer",
    "smtp_greeting_delay",
    "ssi",
    "ssl",
    "ssl_certificate",
    "ssl_ciphers",
    "ssl_ecdh_curve",
    "ssl_ocsp",
    "ssl_protocols",
    "ssl_reject_handshake",
    "ssl_session_cache",
    "ssl_session_ticket_key",
    "ssl_session_tickets",
    "ssl_stapling",
    "ssl_stapling_file",
    "ssl_stapling_responder",
    "ssl_stapling_verify",
    "ssl_trusted_certificate",
    "starttls",
    "stub_status",
    "sub_filter",
    "try_files",
    "underscores_in_headers",
    "uwsgi_pass",
    "valid_referers",
    "worker_connections",
    "worker_processes",
    "worker_rlimit_nofile",
];

/// Blocks whose entries are data (`key value;`), all kept.
const DATA_BLOCKS: &[&str] = &[
    "map",
    "geo",
    "split_clients",
    "charset_map",
    "types",
    "upstream",
];

/// One kept statement.
#[derive(Clone, Debug)]
pub struct Statement {
    /// The directive name as written.
    pub name: Box<str>,
    /// Arguments, unquoted and unescaped.
    pub args: Box<[Box<str>]>,
    /// Per argument: its span (quotes included) and whether it was quoted.
    pub arg_spans: Box<[(Span, bool)]>,
    /// The whole statement.
    pub span: Span,
    /// The name.
    pub name_span: Span,
    /// Parent block (`None` at the top of the main file).
    pub parent: Option<u32>,
    /// End (exclusive) of this statement's subtree in [`Statements::all`].
    pub end: u32,
    /// True for `name ... { }`.
    pub block: bool,
}

impl Statement {
    /// True when the name is `name`.
    pub fn is(&self, name: &str) -> bool {
        &*self.name == name
    }

    /// Argument `i`.
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|a| &**a)
    }

    /// Span of argument `i` (the name's when there is none).
    pub fn arg_span(&self, i: usize) -> Span {
        self.arg_spans.get(i).map_or(self.name_span, |(s, _)| *s)
    }

    /// The statement from its name to the `{` of its block (the whole statement for a
    /// simple directive), where findings about a block point.
    pub fn head(&self) -> Span {
        match self.arg_spans.last() {
            Some((s, _)) => self.name_span.to(*s),
            None => self.name_span,
        }
    }

    /// An `if` block's condition without its parentheses, as (left, operator, right):
    /// `if ($http_origin !~* "^https://a\.com$")` gives (`$http_origin`, `!~*`,
    /// `^https://a\.com$`); `if ($x)` gives (`$x`, ``, ``).
    pub fn condition(&self) -> (String, String, String) {
        let mut words: Vec<String> = self.args.iter().map(|a| a.to_string()).collect();
        if let Some(first) = words.first_mut() {
            if let Some(rest) = first.strip_prefix('(') {
                *first = rest.to_string();
            }
        }
        if let Some(last) = words.last_mut() {
            if let Some(rest) = last.strip_suffix(')') {
                *last = rest.to_string();
            }
        }
        words.retain(|w| !w.is_empty());
        let mut it = words.into_iter();
        let left = it.next().unwrap_or_default();
        let op = it.next().unwrap_or_default();
        let right: Vec<String> = it.collect();
        (left, op, right.join(" "))
    }
}

/// The kept statements of one nginx tree.
#[derive(Debug, Default)]
pub struct Statements {
    nodes: Vec<Statement>,
}

impl Statements {
    /// Every kept statement in document order.
    pub fn all(&self) -> &[Statement] {
        &self.nodes
    }

    /// Statement `i`.
    pub fn get(&self, i: u32) -> &Statement {
        &self.nodes[i as usize]
    }

    /// Indices of the statements named `name`, in document order.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = u32> + 'a {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.is(name))
            .map(|(i, _)| i as u32)
    }

    /// Direct children of `i` (`None`: the top level).
    pub fn children(&self, i: Option<u32>) -> impl Iterator<Item = u32> + '_ {
        let (mut next, end) = match i {
            Some(i) => (i + 1, self.nodes.get(i as usize).map_or(i + 1, |n| n.end)),
            None => (0, self.nodes.len() as u32),
        };
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let here = next;
            next = self.nodes.get(here as usize).map_or(end, |n| n.end);
            Some(here)
        })
    }

    /// Ancestors of `i`, nearest first.
    pub fn ancestors(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let mut at = self.nodes.get(i as usize).and_then(|n| n.parent);
        std::iter::from_fn(move || {
            let here = at?;
            at = self.nodes.get(here as usize).and_then(|n| n.parent);
            Some(here)
        })
    }

    /// The nearest enclosing block named `name`.
    pub fn enclosing(&self, i: u32, name: &str) -> Option<u32> {
        self.ancestors(i).find(|a| self.get(*a).is(name))
    }

    /// Builds the kept tree of a configuration (iterative: no recursion on input depth).
    pub fn build(config: &Config) -> Statements {
        let mut nodes: Vec<Statement> = Vec::new();
        // (items of a block, the block's node, whether its entries are data).
        let mut stack: Vec<(nginx_conf_parser::Items<'_>, Option<u32>, bool)> =
            vec![(config.items(), None, false)];
        while let Some((items, parent, data)) = stack.last_mut() {
            let (parent, data) = (*parent, *data);
            let Some(item) = items.next() else {
                stack.pop();
                if let Some(p) = parent {
                    let end = nodes.len() as u32;
                    nodes[p as usize].end = end;
                }
                continue;
            };
            let block = item.is_block();
            if !block && !data && !KEPT.iter().any(|k| item.is(k)) {
                continue;
            }
            let index = nodes.len() as u32;
            nodes.push(statement(&item, parent, index + 1));
            if block {
                let entries_are_data = DATA_BLOCKS.iter().any(|k| item.is(k));
                stack.push((item.children(), Some(index), entries_are_data));
            }
        }
        nodes.shrink_to_fit();
        Statements { nodes }
    }
}

fn statement(item: &Item<'_>, parent: Option<u32>, end: u32) -> Statement {
    let arg_spans = (0..item.arg_count())
        .map(|i| {
            let quoted = item.arg_token(i).is_some_and(|t| t.quote != Quote::None);
            (item.arg_span(i), quoted)
        })
        .collect();
    Statement {
        name: item.name().into(),
        args: item.args().map(|a| a.into()).collect(),
        arg_spans,
        span: item.span(),
        name_span: item.name_span(),
        parent,
        end,
        block: item.is_block(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::{FileKind, SourceMap};

    #[test]
    fn keeps_blocks_and_listed_directives_with_structure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let main = dir.path().join("nginx.conf");
        std::fs::write(
            &main,
            "events {}\nhttp {\n add_header A 1;\n map $a $b { default 0; }\n server {\n  fastcgi_param X y;\n  include inc.conf;\n  location / { if ($x) { return 403; } }\n }\n}\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("inc.conf"), "add_header B \"2 3\";\n").expect("write");
        let map = SourceMap::new();
        let config = nginx_conf_parser::load(&main, &Default::default(), &map);
        let s = Statements::build(&config);
        let names: Vec<&str> = s.all().iter().map(|n| &*n.name).collect();
        assert_eq!(
            names,
            [
                "events",
                "http",
                "add_header",
                "map",
                "default",
                "server",
                "add_header",
                "location",
                "if",
                "return"
            ]
        );
        let server = s.named("server").next().expect("server");
        let kids: Vec<&str> = s.children(Some(server)).map(|i| &*s.get(i).name).collect();
        assert_eq!(kids, ["add_header", "location"]);
        let ret = s.named("return").next().expect("return");
        let up: Vec<&str> = s.ancestors(ret).map(|i| &*s.get(i).name).collect();
        assert_eq!(up, ["if", "location", "server", "http"]);
        let b = s.get(6);
        assert_eq!(b.arg(1), Some("2 3"));
        assert!(b.arg_spans[1].1);
        assert_eq!(map.get(b.span.file).kind, FileKind::Nginx);
        let top: Vec<&str> = s.children(None).map(|i| &*s.get(i).name).collect();
        assert_eq!(top, ["events", "http"]);
    }
}
