use lint_source::{Diagnostic, RuleMeta};

use crate::model::Model;

/// A rule: its metadata and a pure check over the model.
///
/// Each rule lives in its own file under `rules/` as one `pub static RULE: Rule`
/// and is registered with one line in `rules/mod.rs`.
pub struct Rule {
    /// Code, name, severity, documentation.
    pub meta: RuleMeta,
    /// The check. Pure: no I/O, no printing.
    pub check: for<'a> fn(&Model<'a>, &mut Sink),
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
