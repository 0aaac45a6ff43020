//! Inline suppressions: `# nginx-fpm-lint: ignore CODE[,CODE] reason` in nginx files,
//! `; nginx-fpm-lint: ignore CODE reason` in php-fpm and php.ini files, and
//! `ignore-file CODE` for the whole file.
//!
//! A comment on its own line applies to the next *statement*, a trailing comment to the
//! statement it follows; for a block statement that is its head (`location ~ \.php$ {`),
//! not the body. Statements come from the parse tree, so a statement written over
//! several lines is covered whole. php-fpm's INI statements are single lines.
//!
//! Codes match the rule's code, its name or one of its aliases (the gixy plugin a
//! security rule replaces); `all` matches everything.

use lint_source::{
    Diagnostic, Family, FileId, FileKind, Label, RuleMeta, Severity, SourceMap, Span,
};
use nginx_conf_parser::ast::{Directive, ParsedFile};
use nginx_conf_parser::Config;

/// LINT001: a suppression that suppresses nothing.
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "LINT001",
    name: "unused-suppression",
    family: Family::Lint,
    severity: Severity::Warning,
    summary: "a `nginx-fpm-lint: ignore` comment that suppresses nothing",
    aliases: &[],
    doc: r#"A suppression comment applies to the next statement (or to the statement it
follows on the same line). When nothing it names is reported there, the comment
is stale: the problem was fixed, or the code is misspelt.

**Symptom**: none at run time: the comment is noise that hides nothing, and it
would silence a future finding of the same code on that statement.

Bad:
```nginx
# nginx-fpm-lint: ignore X006 reports are slow on purpose
fastcgi_read_timeout 600s;
```
Good:
```nginx
fastcgi_read_timeout 600s;
```"#,
    fix: "Remove the comment, or correct the code it names.",
};

const MARKER: &str = "nginx-fpm-lint:";

/// One suppression comment.
#[derive(Clone, Debug)]
struct Suppression {
    /// The comment itself (where LINT001 points).
    comment: Span,
    /// The bytes it covers: `None` for the whole file.
    covers: Option<(u32, u32)>,
    codes: Vec<String>,
    used: bool,
    /// Where the comment is shown (file and offset): a file two main files include is read
    /// twice, under two ids, and is one comment to its author.
    place: (std::path::PathBuf, u32),
}

/// The suppression comments of a run, read from the parse trees and the INI lines.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    items: Vec<Suppression>,
}

/// What a comment says: whole file or not, and the codes.
fn directive_of(comment_text: &str) -> Option<(bool, Vec<String>)> {
    let pos = comment_text.find(MARKER)?;
    let rest = comment_text[pos + MARKER.len()..].trim_start();
    let (whole_file, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix("ignore") {
        (false, r)
    } else {
        return None;
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let codes: Vec<String> = rest
        .split_whitespace()
        .next()
        .unwrap_or("")
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    Some((whole_file, codes))
}

/// The head of a statement: to its `;`, or to its `{` for a block.
fn head(d: &Directive) -> (u32, u32) {
    let end = d.block.as_ref().map_or(d.span.end, |b| b.span.start + 1);
    (d.span.start, end)
}

/// Every statement head of a file, in document order.
fn heads(file: &ParsedFile) -> Vec<(u32, u32)> {
    fn walk(directives: &[Directive], out: &mut Vec<(u32, u32)>) {
        for d in directives {
            out.push(head(d));
            if let Some(b) = &d.block {
                walk(&b.directives, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.directives, &mut out);
    out.sort_unstable();
    out
}

impl Suppressions {
    /// Reads the suppression comments of every nginx file of `configs` (from their parse
    /// trees) and of every php-fpm and php.ini file in `map` (line by line).
    /// Only files read since `mark` are read for INI comments (the files of this run,
    /// when one map serves several).
    pub fn collect<'a>(
        configs: impl IntoIterator<Item = &'a Config>,
        map: &SourceMap,
        mark: lint_source::Mark,
    ) -> Self {
        let mut items = Vec::new();
        let mut seen: foldhash::HashSet<FileId> = foldhash::HashSet::default();
        for config in configs {
            for (id, file) in &config.files {
                if !seen.insert(*id) || file.comments.is_empty() {
                    continue;
                }
                Self::nginx_file(file, &mut items);
            }
        }
        for id in map.read_since(mark) {
            let file = map.get(id);
            if !matches!(file.kind, FileKind::Fpm | FileKind::PhpIni) {
                continue;
            }
            Self::ini_file(id, &file.text(), &mut items);
        }
        for s in &mut items {
            s.place = (map.get(s.comment.file).display_path(), s.comment.start);
        }
        Suppressions { items }
    }

    fn nginx_file(file: &ParsedFile, items: &mut Vec<Suppression>) {
        let mut statements: Option<Vec<(u32, u32)>> = None;
        for comment in &file.comments {
            let text = String::from_utf8_lossy(file.slice(comment.span));
            let Some((whole_file, codes)) = directive_of(&text) else {
                continue;
            };
            let covers = if whole_file {
                None
            } else {
                let statements = statements.get_or_insert_with(|| heads(file));
                let line_start = file.text[..comment.span.start as usize]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1) as u32;
                let own_line = file.text[line_start as usize..comment.span.start as usize]
                    .iter()
                    .all(u8::is_ascii_whitespace);
                if own_line {
                    statements
                        .iter()
                        .find(|(start, _)| *start >= comment.span.end)
                        .copied()
                } else {
                    // The statement this comment trails: the last one that starts before
                    // it on a line that has not ended before the comment's line.
                    statements
                        .iter()
                        .rev()
                        .find(|(start, end)| *start < comment.span.start && *end > line_start)
                        .copied()
                        .or(Some((line_start, comment.span.start)))
                }
            };
            // An own-line comment with no statement after it covers nothing; it stays, and is
            // reported as unused.
            items.push(Suppression {
                comment: comment.span,
                covers: covers.or(if whole_file { None } else { Some((0, 0)) }),
                codes,
                used: false,
                place: Default::default(),
            });
        }
    }

    fn ini_file(id: FileId, text: &[u8], items: &mut Vec<Suppression>) {
        // Distribution pool files are long and commented: a SIMD search, not a window scan
        // (which was half of this phase on a tree of such files).
        if memchr::memmem::find(text, MARKER.as_bytes()).is_none() {
            return;
        }
        let mut lines: Vec<(u32, &[u8])> = Vec::new();
        let mut offset = 0u32;
        for line in text.split(|&b| b == b'\n') {
            lines.push((offset, line));
            offset += line.len() as u32 + 1;
        }
        for (i, (start, line)) in lines.iter().enumerate() {
            let Some(semi) = line.iter().position(|&b| b == b';') else {
                continue;
            };
            let comment = String::from_utf8_lossy(&line[semi..]);
            let Some((whole_file, codes)) = directive_of(&comment) else {
                continue;
            };
            let own_line = line[..semi].iter().all(u8::is_ascii_whitespace);
            let covers = if whole_file {
                None
            } else if own_line {
                let next = lines[i + 1..].iter().find(|(_, l)| {
                    let t = String::from_utf8_lossy(l);
                    let t = t.trim();
                    !t.is_empty() && !t.starts_with(';')
                });
                Some(next.map_or((0, 0), |(s, l)| (*s, *s + l.len() as u32)))
            } else {
                Some((*start, *start + line.len() as u32))
            };
            items.push(Suppression {
                comment: Span::new(id, (*start as usize) + semi, (*start as usize) + line.len()),
                covers,
                codes,
                used: false,
                place: Default::default(),
            });
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Drops the suppressed diagnostics; adds an LINT001 finding for each comment that
    /// suppressed nothing. `meta` looks a code up to match names and aliases. A comment
    /// that names a rule in `not_run` is never reported unused: that rule did not run,
    /// so whether it would have fired there is unknown.
    pub fn apply(
        mut self,
        diagnostics: Vec<Diagnostic>,
        meta: &dyn Fn(&str) -> Option<&'static RuleMeta>,
        not_run: &std::collections::BTreeSet<&'static str>,
    ) -> Vec<Diagnostic> {
        if self.items.is_empty() {
            return diagnostics;
        }
        let mut kept = Vec::with_capacity(diagnostics.len());
        for d in diagnostics {
            let Some(primary) = &d.primary else {
                kept.push(d);
                continue;
            };
            let span = primary.span;
            let rule = meta(d.code);
            let names = |c: &str| {
                c == "all"
                    || c == d.code
                    || c == d.name
                    || rule.is_some_and(|m| m.aliases.contains(&c))
            };
            let hit = self.items.iter_mut().find(|s| {
                s.comment.file == span.file
                    && s.covers
                        .is_none_or(|(start, end)| span.start >= start && span.start < end)
                    && s.codes.iter().any(|c| names(c))
            });
            match hit {
                Some(s) => s.used = true,
                None => kept.push(d),
            }
        }
        let names_a_rule_not_run = |s: &Suppression| {
            !not_run.is_empty()
                // `all` is judged by the rules that ran: a finding of a rule that did not
                // run would have been dropped by the settings anyway.
                && s.codes.iter().any(|c| {
                    not_run.iter().any(|code| {
                            c == code
                                || meta(code)
                                    .is_some_and(|m| m.name == c || m.aliases.contains(&c.as_str()))
                        })
                })
        };
        // A comment in a file read twice (included by two main files) is used when either
        // copy is, and reported once when neither is.
        let used: foldhash::HashSet<(std::path::PathBuf, u32)> = self
            .items
            .iter()
            .filter(|s| s.used)
            .map(|s| s.place.clone())
            .collect();
        let mut reported = foldhash::HashSet::default();
        for s in self.items.into_iter().filter(|s| {
            !s.used
                && !used.contains(&s.place)
                && !names_a_rule_not_run(s)
                && reported.insert(s.place.clone())
        }) {
            kept.push(Diagnostic {
                code: UNUSED_SUPPRESSION.code,
                name: UNUSED_SUPPRESSION.name,
                severity: UNUSED_SUPPRESSION.severity,
                message: format!("unused suppression: no {} finding here", s.codes.join(", ")),
                primary: Some(Label::new(s.comment, "")),
                related: Vec::new(),
                help: Some("remove the comment, or fix the code it names".into()),
                notes: Vec::new(),
                fix: None,
            });
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_needs_ignore_and_a_word_boundary() {
        assert_eq!(
            directive_of("# nginx-fpm-lint: ignore X006,NGX201 slow on purpose"),
            Some((false, vec!["X006".to_string(), "NGX201".to_string()]))
        );
        assert_eq!(
            directive_of("# nginx-fpm-lint: ignore-file all"),
            Some((true, vec!["all".to_string()]))
        );
        assert_eq!(directive_of("# nginx-fpm-lint: ignored X006"), None);
        assert_eq!(directive_of("# nginx-fpm-lint: todo X006"), None);
        assert_eq!(directive_of("# plain comment"), None);
    }
}
