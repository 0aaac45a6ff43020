use lint_source::{Diagnostic, RuleMeta};

use crate::model::syntax::{Nodes, Tree};
use crate::model::{Model, NginxModel, Server};

/// A rule: its metadata and a pure check over the model.
///
/// Each rule lives in its own file under `rules/` as one `pub static RULE: Rule`
/// and is registered with one line in `rules/mod.rs`.
pub struct Rule {
    /// Code, name, severity, documentation.
    pub meta: RuleMeta,
    /// The check. Pure: no I/O, no printing.
    pub check: Check,
}

/// What a rule's check reads, and so what it is given.
#[derive(Clone, Copy)]
pub enum Check {
    /// The whole model: findings may compare servers, pools or files with each other.
    Model(for<'a> fn(&Model<'a>, &mut Sink)),
    /// One `server` of http at a time: what it finds about a server depends on that
    /// server's statements (the files spliced into it included) and on what lies outside
    /// every server (http-level settings, upstreams, pools, options), never on another
    /// server. An editor's change touches one server of hundreds: an incremental run
    /// checks that one again and keeps the others' findings (`engine::ServerMemo`).
    Server(for<'a, 'm> fn(&'m Model<'a>, &'m NginxModel, &'m Server, &mut Sink)),
    /// Statements of one syntax tree at a time ([`Nodes`]): what it finds about a
    /// statement depends on that statement, what it holds and the blocks around it, and
    /// on what lies outside every server, never on another server's statements. The
    /// whole tree in one call, or (an incremental run) each `server` block of http and
    /// the statements outside them apart, the servers' findings kept like
    /// [`Check::Server`]'s.
    Nodes(for<'a, 'm> fn(&'m Model<'a>, &'m Tree<'a>, &Nodes, &mut Sink)),
}

impl Rule {
    /// Runs the check over the whole model (a per-server check over every server).
    pub fn run(&self, model: &Model<'_>, sink: &mut Sink) {
        match self.check {
            Check::Model(check) => check(model, sink),
            Check::Server(check) => {
                for (nginx, server) in model.servers() {
                    check(model, nginx, server, sink);
                }
            }
            Check::Nodes(check) => {
                for tree in model.syntax {
                    check(model, tree, &Nodes::all(tree), sink);
                }
            }
        }
    }
}

/// Where rules put their findings.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The findings so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Takes the findings.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
