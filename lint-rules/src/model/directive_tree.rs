//! The nginx tree as written, kept for rules that read directives the effective
//! model does not summarise (TLS stapling, resolvers, `listen` flags, `rewrite`
//! before `proxy_pass`): every block, and the simple directives listed in
//! [`KEPT`], with their arguments, spans and parents, includes spliced in.
//!
//! The syntax trees are freed before rules run, so the copy is built with the
//! model. Only the directives some rule reads are kept: a tree's bulk is its
//! `fastcgi_param` lines, which no rule here needs.

use lint_source::Span;
use nginx_conf_parser::{Config, Item};

/// Simple (non-block) directives kept in the tree. Append the names a new rule reads.
const KEPT: &[&str] = &[
    "listen",
    "server_name",
    "resolver",
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "rewrite",
    "return",
    "set",
    "ssl_certificate",
    "ssl_trusted_certificate",
    "ssl_stapling",
    "ssl_stapling_file",
    "ssl_stapling_responder",
    "ssl_ecdh_curve",
    "ssl_reject_handshake",
    "ssl_session_tickets",
    "ssl_session_cache",
    "ssl_session_ticket_key",
    "http2",
    "http3",
    "quic_bpf",
    "worker_processes",
    "worker_connections",
    "worker_rlimit_nofile",
    "proxy_buffering",
    "keepalive_requests",
    "add_header",
    "more_set_headers",
    "security_headers",
    "mp4",
    "dav_methods",
    "charset",
    "slice",
    "ssi",
    "proxy_cache_background_update",
    "ssl_ocsp",
    "auth_http",
    "protocol",
    "starttls",
    "imap_auth",
    "pop3_auth",
    "smtp_auth",
    "auth",
    "smtp_capabilities",
    "smtp_client_buffer",
    "smtp_greeting_delay",
    "ssl",
    "proxy_http_version",
    "proxy_ssl_certificate",
    "proxy_ssl_certificate_key",
    "proxy_ssl_verify",
    "proxy_ssl_protocols",
    "proxy_ssl_ciphers",
    "proxy_ssl_session_reuse",
];

/// Blocks whose every statement is kept: their entries are data (`map` pairs,
/// `upstream` servers), not directives a filter could name.
const ALL_CHILDREN: &[&str] = &["map", "upstream", "events", "limit_except"];

/// Index of a node in its [`DirectiveTree`].
pub type NodeId = u32;

/// One directive of the tree.
#[derive(Clone, Debug)]
pub struct Node {
    /// The directive name.
    pub name: Box<str>,
    /// Its arguments, unquoted.
    pub args: Box<[Box<str>]>,
    /// The whole statement.
    pub span: Span,
    /// The name.
    pub name_span: Span,
    /// Each argument.
    pub arg_spans: Box<[Span]>,
    /// The enclosing block (`None` at the top of the root file).
    pub parent: Option<NodeId>,
    /// The statements of its block, in order (kept ones only).
    pub children: Vec<NodeId>,
    /// `name ... { }`.
    pub is_block: bool,
}

impl Node {
    /// Argument `i` (`""` when absent).
    pub fn arg(&self, i: usize) -> &str {
        self.args.get(i).map_or("", |a| a)
    }

    /// Span of argument `i`, or of the name when there is no such argument.
    pub fn arg_span(&self, i: usize) -> Span {
        self.arg_spans.get(i).copied().unwrap_or(self.name_span)
    }

    /// True when any argument equals `word` (ASCII case-insensitive).
    pub fn has_arg(&self, word: &str) -> bool {
        self.args.iter().any(|a| a.eq_ignore_ascii_case(word))
    }
}

/// The kept directives of one nginx tree.
#[derive(Clone, Debug, Default)]
pub struct DirectiveTree {
    nodes: Vec<Node>,
    roots: Vec<NodeId>,
}

impl DirectiveTree {
    /// Copies the blocks and kept directives of `config`. Iterative: no recursion on depth.
    pub fn build(config: &Config) -> Self {
        let mut tree = DirectiveTree::default();
        // (item, parent id)
        let mut stack: Vec<(Item<'_>, Option<NodeId>)> = Vec::new();
        let top: Vec<Item<'_>> = config.items().collect();
        stack.extend(top.into_iter().rev().map(|i| (i, None)));
        while let Some((item, parent)) = stack.pop() {
            let block = item.is_block();
            let keep_all = parent
                .and_then(|p| tree.nodes.get(p as usize))
                .is_some_and(|p| ALL_CHILDREN.contains(&&*p.name));
            if !block && !keep_all && !KEPT.iter().any(|k| item.is(k)) {
                continue;
            }
            let Ok(id) = NodeId::try_from(tree.nodes.len()) else {
                break;
            };
            tree.nodes.push(Node {
                name: item.name().into(),
                args: item.args().map(|a| a.into()).collect(),
                span: item.span(),
                name_span: item.name_span(),
                arg_spans: (0..item.arg_count()).map(|i| item.arg_span(i)).collect(),
                parent,
                children: Vec::new(),
                is_block: block,
            });
            match parent {
                Some(p) => {
                    if let Some(n) = tree.nodes.get_mut(p as usize) {
                        n.children.push(id);
                    }
                }
                None => tree.roots.push(id),
            }
            if block {
                let children: Vec<Item<'_>> = item.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, Some(id))));
            }
        }
        tree
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize)
    }

    /// Top-level statements of the root file.
    pub fn roots(&self) -> impl Iterator<Item = NodeRef<'_>> + '_ {
        self.roots.iter().map(move |&id| NodeRef { tree: self, id })
    }

    /// Every kept node in configuration order (parents before children).
    pub fn all(&self) -> impl Iterator<Item = NodeRef<'_>> + '_ {
        (0..self.nodes.len()).filter_map(move |i| {
            Some(NodeRef {
                tree: self,
                id: NodeId::try_from(i).ok()?,
            })
        })
    }

    /// Every node named `name`, in configuration order.
    pub fn named<'t>(&'t self, name: &'t str) -> impl Iterator<Item = NodeRef<'t>> + 't {
        self.all().filter(move |n| &*n.node().name == name)
    }

    /// The top-level `http` block, when there is one.
    pub fn http(&self) -> Option<NodeRef<'_>> {
        self.roots().find(|n| n.is("http") && n.node().is_block)
    }

    /// Every `server` block directly in `http`.
    pub fn http_servers(&self) -> Vec<NodeRef<'_>> {
        self.http()
            .map(|h| {
                h.children()
                    .filter(|c| c.is("server") && c.is_block())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `upstream NAME {}` in `http`, by name (case-insensitive).
    pub fn upstream(&self, name: &str) -> Option<NodeRef<'_>> {
        self.http()?.children().find(|c| {
            c.is("upstream") && c.is_block() && c.node().arg(0).eq_ignore_ascii_case(name)
        })
    }
}

/// A node together with its tree, for walking up and down.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'t> {
    tree: &'t DirectiveTree,
    id: NodeId,
}

impl<'t> NodeRef<'t> {
    /// The node. A `NodeRef` is only made from an id of its own tree, so the index is in range.
    pub fn node(&self) -> &'t Node {
        &self.tree.nodes[self.id as usize]
    }

    /// Its id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// True when the directive is named `name`.
    pub fn is(&self, name: &str) -> bool {
        &*self.node().name == name
    }

    /// True for a block.
    pub fn is_block(&self) -> bool {
        self.node().is_block
    }

    /// The enclosing block.
    pub fn parent(&self) -> Option<NodeRef<'t>> {
        self.node().parent.map(|id| NodeRef {
            tree: self.tree,
            id,
        })
    }

    /// Enclosing blocks, nearest first.
    pub fn ancestors(&self) -> impl Iterator<Item = NodeRef<'t>> + 't {
        std::iter::successors(self.parent(), |p| p.parent())
    }

    /// The statements of its block.
    pub fn children(&self) -> impl Iterator<Item = NodeRef<'t>> + 't {
        let tree = self.tree;
        self.node()
            .children
            .iter()
            .map(move |&id| NodeRef { tree, id })
    }

    /// The first statement of its block named `name`.
    pub fn child(&self, name: &str) -> Option<NodeRef<'t>> {
        self.children().find(|c| c.is(name))
    }

    /// Every statement below it (depth first, in order), not itself.
    pub fn descendants(&self) -> Vec<NodeRef<'t>> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeRef<'t>> = self.children().collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            out.push(n);
            let mut kids: Vec<NodeRef<'t>> = n.children().collect();
            kids.reverse();
            stack.extend(kids);
        }
        out
    }

    /// The value of an inherited directive here: this block's own statement, else the
    /// nearest enclosing block's (`if` blocks skipped: their settings apply only inside).
    /// For a simple directive, the search starts at its block.
    pub fn effective(&self, name: &str) -> Option<NodeRef<'t>> {
        let start = if self.is_block() {
            Some(*self)
        } else {
            self.parent()
        };
        std::iter::successors(start, |p| p.parent())
            .filter(|b| !b.is("if"))
            .find_map(|b| b.child(name))
    }

    /// The nearest enclosing block named `name`.
    pub fn enclosing(&self, name: &str) -> Option<NodeRef<'t>> {
        self.ancestors().find(|a| a.is(name))
    }
}
