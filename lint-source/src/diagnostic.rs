use crate::source_map::Span;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advisory: the environment decides whether it bites.
    Note,
    /// Usually breaks, or breaks under conditions the config cannot show.
    Warning,
    /// Certainly fails: a server refuses to start or the request fails.
    Error,
}

impl Severity {
    /// Lower-case name as used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A pointer into a file with a short explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is there (may be empty).
    pub message: String,
}

impl Label {
    /// A label with a message.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// One text replacement of a suggested fix: the bytes of `span` become `replacement`.
/// Edits work on the original bytes, so comments, indentation and quoting outside the
/// span are kept as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The bytes to replace (empty span = insertion).
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

impl Edit {
    /// Replaces the bytes of `span` with `text`.
    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        Edit {
            span,
            replacement: text.into(),
        }
    }

    /// Inserts `text` before the first byte of `at`.
    pub fn insert(at: Span, text: impl Into<String>) -> Self {
        Edit {
            span: Span {
                file: at.file,
                start: at.start,
                end: at.start,
            },
            replacement: text.into(),
        }
    }

    /// Deletes the bytes of `span`.
    pub fn delete(span: Span) -> Self {
        Edit {
            span,
            replacement: String::new(),
        }
    }
}

/// Whether a fix may be applied without asking (ruff's applicability).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Applicability {
    /// Repairs exactly what the finding describes: applied by `--fix`.
    Safe,
    /// Also changes behaviour beyond the finding (capacity, limits, which pool serves a
    /// site): applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    /// Lower-case name as used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A machine-applicable fix: edits, possibly in several files (a cross-file finding may
/// edit the pool's file and not nginx's), applied together or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in one line.
    pub description: String,
    /// Edits; they never overlap each other.
    pub edits: Vec<Edit>,
    /// Safe (applied by `--fix`) or unsafe (only with `--unsafe-fixes`).
    pub applicability: Applicability,
}

impl Fix {
    /// A fix that repairs exactly the finding.
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            description: description.into(),
            edits,
            applicability: Applicability::Safe,
        }
    }

    /// A fix that changes behaviour beyond the finding.
    pub fn unsafe_edits(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix {
            description: description.into(),
            edits,
            applicability: Applicability::Unsafe,
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `X001`.
    pub code: &'static str,
    /// Kebab-case rule name, e.g. `fastcgi-pass-no-pool`.
    pub name: &'static str,
    /// Effective severity.
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: String,
    /// Where the fix most likely goes. `None` only for findings about the run itself.
    pub primary: Option<Label>,
    /// Other places involved (the other side of a cross-check).
    pub related: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Extra context (e.g. what the server logs when this bites).
    pub notes: Vec<String>,
    /// A machine-applicable suggestion, when there is one.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic for rule `meta` at `span`, with the rule's default severity.
    pub fn new(meta: &crate::RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            primary: Some(Label::new(span, "")),
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    /// Sets the primary label's text.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.message = message.into();
        }
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label::new(span, message));
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Overrides the severity (e.g. lowered when a variable hides the truth).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Attaches a machine-applicable fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Attaches the fix `make` builds when `condition` holds (a fix only where the
    /// correction is unambiguous).
    pub fn with_fix_if(self, condition: bool, make: impl FnOnce() -> Fix) -> Self {
        if condition {
            self.with_fix(make())
        } else {
            self
        }
    }

    /// Attaches a fix when there is one.
    pub fn with_fix_opt(mut self, fix: Option<Fix>) -> Self {
        if fix.is_some() {
            self.fix = fix;
        }
        self
    }
}
