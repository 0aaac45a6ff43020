use crate::diagnostic::Severity;

/// The rule families; the code prefix says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// `NGX0xx`: nginx would refuse to load.
    NginxLoad,
    /// `NGX1xx`: listen and server_name.
    NginxListen,
    /// `NGX2xx`: fastcgi and PHP locations.
    NginxFastcgi,
    /// `FPM0xx`: php-fpm would refuse to start.
    FpmLoad,
    /// `FPM1xx`: pool semantics.
    FpmPool,
    /// `X0xx`: nginx ↔ php-fpm cross-checks.
    Cross,
    /// `SEC0xx`: security.
    Security,
    /// `LINT0xx`: about the run itself (config file, suppressions, unreadable input).
    Lint,
}

impl Family {
    /// Human name of the family.
    pub fn title(self) -> &'static str {
        match self {
            Family::NginxLoad => "nginx would refuse to load",
            Family::NginxListen => "nginx listen and server_name",
            Family::NginxFastcgi => "nginx fastcgi and PHP locations",
            Family::FpmLoad => "php-fpm would refuse to start",
            Family::FpmPool => "php-fpm pool semantics",
            Family::Cross => "nginx ↔ php-fpm cross-checks",
            Family::Security => "security",
            Family::Lint => "the linter itself",
        }
    }
}

/// Everything a user may want to know about one rule, kept beside its code.
///
/// `doc` is Markdown with the sections the rule pages use: what it finds, the
/// symptom (status code and log line), why, a bad and a good example.
#[derive(Clone, Copy, Debug)]
pub struct RuleMeta {
    /// Stable code, never reused (`X001`).
    pub code: &'static str,
    /// Kebab-case name (`fastcgi-pass-no-pool`).
    pub name: &'static str,
    /// Family.
    pub family: Family,
    /// Default severity.
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Other names the rule answers to in `--select`/`--ignore` and in
    /// suppressions: the gixy plugin a security rule replaces
    /// (`alias_traversal`), so a gixy user's habits keep working.
    pub aliases: &'static [&'static str],
    /// Full Markdown documentation.
    pub doc: &'static str,
    /// One line: how to fix a finding.
    pub fix: &'static str,
}

impl RuleMeta {
    /// Documentation URL of the rule (the generated page under docs/rules/).
    pub fn url(&self) -> String {
        format!(
            "https://github.com/nginx-fpm-lint/nginx-fpm-lint/blob/main/docs/rules/{}.md",
            self.code
        )
    }
}
