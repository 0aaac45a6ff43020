//! One lint of a workspace with the open buffers laid over its files, guarded
//! against panics, and its findings turned into LSP diagnostics per file.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fpm_conf_parser::FpmLoadOptions;
use lint_rules::LintInput;
use lint_source::{Diagnostic, RuleMeta, Severity, SourceMap};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    TextEdit, Url,
};
use nginx_conf_parser::LoadOptions;

use crate::overlay::{Overlay, Snapshot};
use crate::text::LineIndex;

/// What linting a workspace folder means, as the command line reads a directory.
pub struct Workspace {
    /// One input per deployment (or the root copy's / the machine's trees).
    pub inputs: Vec<LintInput>,
    /// What the command line would print as `note:` lines.
    pub notes: Vec<String>,
    /// The command line's processing of raw findings: inline suppressions, the config
    /// file's selection and severities.
    pub finish: Box<dyn Fn(Vec<Diagnostic>, &SourceMap) -> Vec<Diagnostic> + Send + Sync>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("inputs", &self.inputs.len())
            .field("notes", &self.notes)
            .finish()
    }
}

/// What the server needs from the command line: its rules and its reading of a folder.
pub trait Host: Send + Sync {
    /// Every code the linter emits.
    fn rules(&self) -> Vec<&'static RuleMeta>;
    /// The lint plan of a workspace folder (config file included).
    fn workspace(&self, folder: &Path) -> Result<Workspace, String>;
}

/// The result of one lint.
pub struct Run {
    /// Every file read.
    pub map: Arc<SourceMap>,
    /// The findings after suppressions and the config file.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints every input of `workspace` with `docs` over its files. `Err` carries the panic's
/// message when a rule (or anything else) panicked.
pub fn lint(workspace: &Workspace, docs: &Arc<Snapshot>) -> Result<Run, String> {
    let map = Arc::new(SourceMap::new());
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut found = Vec::new();
        for input in &workspace.inputs {
            let input = with_overlay(input, docs);
            found.extend(lint_rules::lint(&input, &map));
        }
        if workspace.inputs.len() > 1 {
            lint_rules::sort(&mut found, &map);
        }
        (workspace.finish)(found, &map)
    }));
    match result {
        Ok(diagnostics) => Ok(Run { map, diagnostics }),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(message)
        }
    }
}

/// The input reading through the overlay (nginx's and php-fpm's views alike).
pub fn with_overlay(input: &LintInput, docs: &Arc<Snapshot>) -> LintInput {
    let mut input = input.clone();
    let o = &mut input.options;
    let nginx = LoadOptions {
        root: o.root.clone(),
        fs: o.nginx_fs.clone(),
        ..Default::default()
    }
    .filesystem();
    let fpm = FpmLoadOptions {
        root: o.root.clone(),
        prefix: None,
        env: Default::default(),
        fs: o.fpm_fs.clone(),
    }
    .filesystem();
    o.nginx_fs = Some(Arc::new(Overlay::new(nginx, docs.clone())));
    o.fpm_fs = Some(Arc::new(Overlay::new(fpm, docs.clone())));
    input
}

/// One published diagnostic with what code actions need.
#[derive(Clone, Debug)]
pub struct Published {
    /// The LSP diagnostic.
    pub lsp: lsp_types::Diagnostic,
    /// The rule's code.
    pub code: &'static str,
    /// The comment character of the file (`#` or `;`), for a suppression.
    pub comment: char,
    /// The suggested fix as edits per file.
    pub fix: Option<(String, HashMap<Url, Vec<TextEdit>>)>,
}

/// Converts findings to LSP diagnostics grouped by the file they point into. Findings in
/// files not on this machine's disk (an image's stock files) have no URI and are left out.
pub fn to_lsp(
    diagnostics: &[Diagnostic],
    map: &SourceMap,
    rules: &[&'static RuleMeta],
) -> HashMap<Url, Vec<Published>> {
    let mut indexes: HashMap<lint_source::FileId, (Option<Url>, LineIndex)> = HashMap::new();
    let mut locate = |span: lint_source::Span| -> Option<(Url, lsp_types::Range)> {
        let file = map.get(span.file);
        let (url, index) = indexes.entry(span.file).or_insert_with(|| {
            let url = file
                .disk_path
                .as_deref()
                .and_then(|p| Url::from_file_path(p).ok());
            (url, LineIndex::new(&file.text))
        });
        let url = url.clone()?;
        Some((
            url,
            index.range(&file.text, span.start as usize, span.end as usize),
        ))
    };
    let mut out: HashMap<Url, Vec<Published>> = HashMap::new();
    for d in diagnostics {
        let Some(primary) = &d.primary else { continue };
        let Some((url, range)) = locate(primary.span) else {
            continue;
        };
        let comment = match map.get(primary.span.file).kind {
            lint_source::FileKind::Nginx => '#',
            _ => ';',
        };
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|l| {
                let (uri, range) = locate(l.span)?;
                Some(DiagnosticRelatedInformation {
                    location: Location { uri, range },
                    message: if l.message.is_empty() {
                        "related".to_string()
                    } else {
                        l.message.clone()
                    },
                })
            })
            .collect();
        let mut message = d.message.clone();
        if !primary.message.is_empty() {
            message.push_str(&format!(" ({})", primary.message));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        for note in &d.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        let href = rules
            .iter()
            .find(|r| r.code == d.code)
            .and_then(|r| Url::parse(&r.url()).ok());
        let fix = d.fix.as_ref().and_then(|fix| {
            let mut edits: HashMap<Url, Vec<TextEdit>> = HashMap::new();
            for e in &fix.edits {
                let (uri, range) = locate(e.span)?;
                edits.entry(uri).or_default().push(TextEdit {
                    range,
                    new_text: e.replacement.clone(),
                });
            }
            Some((fix.description.clone(), edits))
        });
        let lsp = lsp_types::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            code_description: href.map(|href| CodeDescription { href }),
            source: Some("nginx-fpm-lint".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        };
        let list = out.entry(url).or_default();
        // One file read by two deployments reports once.
        if !list
            .iter()
            .any(|p| p.lsp.range == lsp.range && p.code == d.code && p.lsp.message == lsp.message)
        {
            list.push(Published {
                lsp,
                code: d.code,
                comment,
                fix,
            });
        }
    }
    out
}

/// The host path of a `file://` URI.
pub fn path_of(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}
