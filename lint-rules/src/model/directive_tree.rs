//! A navigable view of [`Statements`](super::statements::Statements): walk from a
//! directive to its block, its children, the value an inherited directive has
//! there, and the `http` servers and upstreams, without index arithmetic in rules.

use lint_source::Span;

use super::nginx::NginxModel;
use super::statements::{Statement, Statements};

/// The kept statements of one nginx tree.
#[derive(Clone, Copy, Debug)]
pub struct DirectiveTree<'s> {
    s: &'s Statements,
}

/// The tree of a model.
pub fn of(nginx: &NginxModel) -> DirectiveTree<'_> {
    DirectiveTree {
        s: &nginx.statements,
    }
}

impl<'s> DirectiveTree<'s> {
    fn at(self, id: u32) -> NodeRef<'s> {
        NodeRef { s: self.s, id }
    }

    /// Top-level statements of the main file.
    pub fn roots(self) -> impl Iterator<Item = NodeRef<'s>> + 's {
        self.s.children(None).map(move |id| self.at(id))
    }

    /// Every kept statement in document order (blocks before their contents).
    pub fn all(self) -> impl Iterator<Item = NodeRef<'s>> + 's {
        (0..self.s.all().len()).filter_map(move |i| Some(self.at(u32::try_from(i).ok()?)))
    }

    /// Every statement named `name`, in document order.
    pub fn named(self, name: &'s str) -> impl Iterator<Item = NodeRef<'s>> + 's {
        self.s.named(name).map(move |id| self.at(id))
    }

    /// The top-level `http` block, when there is one.
    pub fn http(self) -> Option<NodeRef<'s>> {
        self.roots().find(|n| n.is("http") && n.is_block())
    }

    /// Every `server` block directly in `http`.
    pub fn http_servers(self) -> Vec<NodeRef<'s>> {
        self.http()
            .map(|h| {
                h.children()
                    .filter(|c| c.is("server") && c.is_block())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `upstream NAME {}` in `http`, by name (case-insensitive).
    pub fn upstream(self, name: &str) -> Option<NodeRef<'s>> {
        self.http()?
            .children()
            .find(|c| c.is("upstream") && c.is_block() && c.arg(0).eq_ignore_ascii_case(name))
    }
}

/// A statement together with its tree, for walking up and down.
#[derive(Clone, Copy, Debug)]
pub struct NodeRef<'s> {
    s: &'s Statements,
    id: u32,
}

impl<'s> NodeRef<'s> {
    /// The statement.
    pub fn node(&self) -> &'s Statement {
        self.s.get(self.id)
    }

    /// Its index in the tree.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The directive name.
    pub fn name(&self) -> &'s str {
        &self.node().name
    }

    /// Its arguments, unquoted.
    pub fn args(&self) -> &'s [Box<str>] {
        &self.node().args
    }

    /// Argument `i` (`""` when absent).
    pub fn arg(&self, i: usize) -> &'s str {
        self.node().arg(i).unwrap_or("")
    }

    /// True when any argument equals `word` (ASCII case-insensitive).
    pub fn has_arg(&self, word: &str) -> bool {
        self.args().iter().any(|a| a.eq_ignore_ascii_case(word))
    }

    /// The whole statement.
    pub fn span(&self) -> Span {
        self.node().span
    }

    /// The name.
    pub fn name_span(&self) -> Span {
        self.node().name_span
    }

    /// Argument `i`, or the name when there is no such argument.
    pub fn arg_span(&self, i: usize) -> Span {
        self.node().arg_span(i)
    }

    /// True when the directive is named `name`.
    pub fn is(&self, name: &str) -> bool {
        self.node().is(name)
    }

    /// True for a block.
    pub fn is_block(&self) -> bool {
        self.node().block
    }

    /// The enclosing block.
    pub fn parent(&self) -> Option<NodeRef<'s>> {
        self.node().parent.map(|id| NodeRef { s: self.s, id })
    }

    /// Enclosing blocks, nearest first.
    pub fn ancestors(&self) -> impl Iterator<Item = NodeRef<'s>> + 's {
        let s = self.s;
        s.ancestors(self.id).map(move |id| NodeRef { s, id })
    }

    /// The statements of its block.
    pub fn children(&self) -> impl Iterator<Item = NodeRef<'s>> + 's {
        let s = self.s;
        s.children(Some(self.id)).map(move |id| NodeRef { s, id })
    }

    /// The first statement of its block named `name`.
    pub fn child(&self, name: &str) -> Option<NodeRef<'s>> {
        self.children().find(|c| c.is(name))
    }

    /// Every statement below it, in document order, not itself.
    pub fn descendants(&self) -> impl Iterator<Item = NodeRef<'s>> + 's {
        let s = self.s;
        (self.id + 1..self.node().end).map(move |id| NodeRef { s, id })
    }

    /// The value of an inherited directive here: this block's own statement, else the
    /// nearest enclosing block's (`if` blocks skipped: their settings apply only inside).
    /// For a simple directive the search starts at its block.
    pub fn effective(&self, name: &str) -> Option<NodeRef<'s>> {
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
    pub fn enclosing(&self, name: &str) -> Option<NodeRef<'s>> {
        self.ancestors().find(|a| a.is(name))
    }
}
