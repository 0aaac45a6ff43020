//! One lint of a workspace folder with the open buffers laid over its files
//! (through `lint_api::Input::buffers`), guarded against panics, and its findings
//! turned into LSP diagnostics per file.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_api::{Input, Linter, Report, Settings};
use lint_source::overlay::Snapshot;
use lint_source::{Diagnostic, RuleMeta, Severity, SourceMap};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    TextEdit, Url,
};

use crate::text::LineIndex;

/// What the server needs from the command line.
pub trait Host: Send + Sync {
    /// Every code the linter emits.
    fn rules(&self) -> Vec<&'static RuleMeta> {
        lint_rules::all_rules()
    }
    /// The settings for a workspace folder: its `.nginx-fpm-lint.toml` with the options
    /// `lsp` was started with on top, as the command line computes them.
    fn settings(&self, folder: &Path) -> Result<Settings, String>;
    /// One run (the library's; tests put a failing one here).
    fn lint(&self, linter: &Linter, input: &Input) -> Result<Report, lint_api::Error> {
        linter.lint(input)
    }
}

/// A workspace folder with its settings.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The folder the editor opened.
    pub folder: PathBuf,
    /// Its linter: the folder's settings, and the parse trees of its files kept between
    /// runs, so that a keystroke re-parses only the file it changed.
    pub linter: Linter,
}

impl Workspace {
    /// The workspace of `folder` linted with `settings`.
    pub fn new(folder: PathBuf, settings: Settings) -> Self {
        Workspace {
            linter: Linter::new(settings).current_dir(&folder).incremental(),
            folder,
        }
    }
}

/// The result of one lint.
pub struct Run {
    /// Every file read.
    pub map: Arc<SourceMap>,
    /// The findings after suppressions and the settings.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints `workspace` as the command line lints a directory, with `docs` over its files.
/// `Err` carries a panic's message; a run that finds nothing to lint is an empty run.
pub fn lint(host: &dyn Host, workspace: &Workspace, docs: &Arc<Snapshot>) -> Result<Run, String> {
    let linter = &workspace.linter;
    let input = Input {
        paths: vec![workspace.folder.clone()],
        buffers: Some(docs.clone()),
        ..Default::default()
    };
    guarded(host, linter, &input, &workspace.folder)
}

/// One run of `linter` on `input`, a panic caught: `Err` carries its message; an error of
/// the run (logged with `what`) is an empty run.
fn guarded(host: &dyn Host, linter: &Linter, input: &Input, what: &Path) -> Result<Run, String> {
    let result = catch_unwind(AssertUnwindSafe(|| host.lint(linter, input)));
    match result {
        Ok(Ok(report)) => Ok(Run {
            map: Arc::new(report.sources),
            diagnostics: report.diagnostics,
        }),
        Ok(Err(e)) => {
            eprintln!("nginx-fpm-lint lsp: {}: {e}", what.display());
            Ok(Run {
                map: Arc::new(SourceMap::new()),
                diagnostics: Vec::new(),
            })
        }
        Err(payload) => Err(payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())),
    }
}

/// Lints one open document that no workspace lint read (a file outside every folder the
/// editor opened, `/etc/nginx/nginx.conf` edited from a home directory) on its own, as
/// `--nginx FILE` or `--fpm FILE` lint it, with `docs` over the disk. Settings come from
/// the file's own folder. `Err` carries a panic's message.
pub fn lint_alone(
    host: &dyn Host,
    path: &Path,
    fpm: bool,
    docs: &Arc<Snapshot>,
) -> Result<Run, String> {
    let folder = path.parent().unwrap_or(Path::new("/")).to_path_buf();
    let settings = host.settings(&folder).unwrap_or_default();
    let linter = Linter::new(settings).current_dir(&folder);
    let mut input = Input {
        buffers: Some(docs.clone()),
        ..Default::default()
    };
    if fpm {
        input.fpm = vec![path.to_path_buf()];
    } else {
        input.nginx = vec![path.to_path_buf()];
    }
    guarded(host, &linter, &input, path)
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
            (url, LineIndex::new(&file.text()))
        });
        let url = url.clone()?;
        Some((
            url,
            index.range(&file.text(), span.start as usize, span.end as usize),
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

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::{Edit, Fix, SourceFile};

    #[test]
    fn findings_become_diagnostics_with_their_fix_related_places_and_doc_link() {
        let map = SourceMap::new();
        let path = PathBuf::from("/srv/etc/nginx/site.conf");
        let text = "server {\n    fastcgi_pass unix:/run/php/x.sock;\n}\n";
        let id = map.add(SourceFile::new(
            "/etc/nginx/site.conf".into(),
            Some(path.clone()),
            lint_source::FileKind::Nginx,
            Arc::from(text.as_bytes()),
        ));
        let start = text.find("unix:").unwrap();
        let span = lint_source::Span::new(id, start, start + "unix:/run/php/x.sock".len());
        let rules = lint_rules::all_rules();
        let meta = rules.iter().find(|r| r.code == "X001").unwrap();
        let d = Diagnostic::new(
            meta,
            span,
            "no php-fpm pool listens on unix:/run/php/x.sock",
        )
        .with_related(lint_source::Span::new(id, 0, 6), "server")
        .with_fix(Fix::safe(
            "point it at the pool",
            vec![Edit::replace(span, "unix:/run/php/y.sock")],
        ));
        let out = to_lsp(&[d], &map, &rules);
        let uri = Url::from_file_path(&path).unwrap();
        let list = &out[&uri];
        assert_eq!(list.len(), 1);
        let p = &list[0];
        assert_eq!(p.lsp.range.start, lsp_types::Position::new(1, 17));
        assert_eq!(p.lsp.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(
            p.lsp.code_description.as_ref().map(|c| c.href.to_string()),
            Some(meta.url())
        );
        let related = p.lsp.related_information.as_ref().unwrap();
        assert_eq!(related[0].message, "server");
        let (title, edits) = p.fix.as_ref().unwrap();
        assert_eq!(title, "point it at the pool");
        assert_eq!(edits[&uri][0].new_text, "unix:/run/php/y.sock");
        assert_eq!(edits[&uri][0].range, p.lsp.range);
    }
}
