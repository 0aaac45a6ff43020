//! Renderers: one diagnostic model, several outputs.

mod fingerprint;
mod github;
mod gitlab;
mod json;
mod pretty;
mod sarif;

use std::cell::OnceCell;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use lint_source::{Diagnostic, LineCol, RuleMeta, Severity, SourceFile, SourceMap, Span};

use crate::args::Format;

pub use fingerprint::fingerprints;
pub use json::SCHEMA_VERSION;

/// A span resolved for output: display path, byte range, line/column range.
#[derive(Clone, Copy, Debug)]
pub struct Place<'r> {
    /// Path relative to the current directory when possible.
    pub path: &'r str,
    /// Byte offset.
    pub offset: u32,
    /// Byte length.
    pub length: u32,
    /// Start.
    pub start: LineCol,
    /// End.
    pub end: LineCol,
}

/// Turns spans into places with paths relative to `base`.
pub struct Resolver<'a> {
    map: &'a SourceMap,
    base: PathBuf,
    /// The directory relative paths of files were given from, when `base` is another
    /// (a baseline's directory): they are made absolute before `base` is taken off.
    given_from: Option<PathBuf>,
    /// Display paths by file id, made once per file: a report names the same few
    /// files thousands of times.
    paths: Vec<OnceCell<String>>,
    /// By file id, the slot in `carriers` of the repository file that holds the file's
    /// text, when it is embedded in one.
    carrier_slots: Vec<Option<usize>>,
    /// The repository files that hold embedded texts, each read once however many texts
    /// it holds (offsets are given in them): a manifest of 1 000 ConfigMaps was read, and
    /// its line table made, once per ConfigMap (16 s and 0.9 GB for 0.7 MB of YAML).
    carriers: Vec<OnceCell<Option<SourceFile>>>,
}

impl<'a> Resolver<'a> {
    /// A resolver relative to `base` (usually the current directory).
    pub fn new(map: &'a SourceMap, base: PathBuf) -> Self {
        let paths = (0..map.id_bound()).map(|_| OnceCell::new()).collect();
        let mut carrier_slots = vec![None; map.id_bound()];
        let mut slot_of: std::collections::HashMap<PathBuf, usize> = Default::default();
        for (id, file) in map.files() {
            if let Some(c) = &file.carrier {
                let next = slot_of.len();
                let slot = *slot_of.entry(c.file.clone()).or_insert(next);
                if let Some(s) = carrier_slots.get_mut(id.0 as usize) {
                    *s = Some(slot);
                }
            }
        }
        let carriers = (0..slot_of.len()).map(|_| OnceCell::new()).collect();
        Resolver {
            map,
            base,
            given_from: None,
            paths,
            carrier_slots,
            carriers,
        }
    }

    /// A resolver relative to `base` for files whose relative paths were given from
    /// `cwd` (a report as if written from another directory).
    pub fn from_dir(map: &'a SourceMap, base: PathBuf, cwd: PathBuf) -> Self {
        Resolver {
            given_from: Some(cwd),
            ..Resolver::new(map, base)
        }
    }

    fn display_path(&self, span: Span) -> String {
        let file = self.map.get(span.file);
        let (shown, on_this_disk) = match (&file.carrier, self.carrier(span)) {
            (Some(c), Some(_)) => (c.file.clone(), true),
            _ => (file.display_path(), file.disk_path.is_some()),
        };
        // A file not on this machine's disk (a dump's `/etc/nginx/...`, from another
        // machine) keeps the name it was given, wherever the linter runs.
        let shown = match &self.given_from {
            Some(cwd) if on_this_disk && shown.is_relative() => {
                lint_source::vfs::normalize(&cwd.join(&shown))
            }
            _ => shown,
        };
        let rel = if on_this_disk {
            shown.strip_prefix(&self.base).unwrap_or(&shown)
        } else {
            &shown
        };
        // One spelling per file: `./etc/x` (a `--root .` or discovered tree) and `etc/x`
        // (an argument) are the same file, shown without the `./`.
        let clean: PathBuf = rel
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        if clean.as_os_str().is_empty() {
            ".".to_string()
        } else {
            clean.display().to_string()
        }
    }

    /// The display path of a file.
    pub fn path(&self, span: Span) -> String {
        match self.paths.get(span.file.0 as usize) {
            Some(cell) => cell.get_or_init(|| self.display_path(span)).clone(),
            None => self.display_path(span),
        }
    }

    /// Resolves a span. The resolver is made once the run has read every file; a
    /// span of a file added later (none is) would show an empty path.
    pub fn place(&self, span: Span) -> Place<'_> {
        let file = self.map.get(span.file);
        let path = match self.paths.get(span.file.0 as usize) {
            Some(cell) => cell.get_or_init(|| self.display_path(span)).as_str(),
            None => "",
        };
        let (mut start, mut end) = (file.line_col(span.start), file.line_col(span.end));
        let (mut offset, mut length) = (span.start, span.end - span.start);
        // Text embedded in a repository file (a ConfigMap key, a here-document): the
        // line, column and bytes there, so that an annotation or an edit lands on the
        // real file.
        if let (Some(c), Some(carrier)) = (&file.carrier, self.carrier(span)) {
            let at = |o: u32| {
                let lc = file.line_col(o);
                let in_line = (o as usize).saturating_sub(file.line_range(lc.line).start);
                let line = c.line.saturating_add(lc.line.saturating_sub(1));
                let begins = carrier.line_range(line).start;
                u32::try_from(begins + c.column as usize + in_line).unwrap_or(u32::MAX)
            };
            (offset, length) = (at(span.start), at(span.end).saturating_sub(at(span.start)));
            for lc in [&mut start, &mut end] {
                lc.line = lc.line.saturating_add(c.line.saturating_sub(1));
                lc.column = lc.column.saturating_add(c.column);
            }
        }
        Place {
            path,
            offset,
            length,
            start,
            end,
        }
    }

    /// The repository file holding the text of `span`'s file, read once.
    fn carrier(&self, span: Span) -> Option<&SourceFile> {
        let file = self.map.get(span.file);
        let c = file.carrier.as_ref()?;
        let slot = (*self.carrier_slots.get(span.file.0 as usize)?)?;
        self.carriers
            .get(slot)?
            .get_or_init(|| {
                let bytes = std::fs::read(&c.file).ok()?;
                Some(SourceFile::new(
                    c.file.clone(),
                    Some(c.file.clone()),
                    lint_source::FileKind::Other,
                    bytes.into(),
                ))
            })
            .as_ref()
    }

    /// The source map.
    pub fn map(&self) -> &SourceMap {
        self.map
    }
}

/// Counts per severity.
pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize, usize) {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    )
}

fn summary_line(diagnostics: &[Diagnostic]) -> String {
    let (e, w, n) = summary(diagnostics);
    if diagnostics.is_empty() {
        "No problems found.".to_string()
    } else {
        format!(
            "Found {} problem{} ({e} error{}, {w} warning{}, {n} note{}).",
            diagnostics.len(),
            plural(diagnostics.len()),
            plural(e),
            plural(w),
            plural(n)
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Text written on one line: a line break or other control character in a message (a
/// quoted `fastcgi_param PHP_VALUE "a=1 \n b=2"`, whose value nginx decodes) or in a
/// file name is written escaped, so that each finding stays one line for the tools that
/// read the output line by line.
struct OneLine<'s>(&'s str);

impl std::fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in self.0.split_inclusive(char::is_control) {
            match part.chars().last().filter(|c| c.is_control()) {
                Some(c) => {
                    f.write_str(&part[..part.len() - c.len_utf8()])?;
                    write!(f, "{}", c.escape_default())?;
                }
                None => f.write_str(part)?,
            }
        }
        Ok(())
    }
}

/// `file:line:col: CODE [severity] message`.
pub fn concise(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
) -> io::Result<()> {
    for d in diagnostics {
        match &d.primary {
            Some(p) => {
                let place = resolver.place(p.span);
                writeln!(
                    out,
                    "{}:{}:{}: {} [{}] {}",
                    OneLine(place.path),
                    place.start.line,
                    place.start.column,
                    d.code,
                    d.severity.as_str(),
                    OneLine(&d.message)
                )?;
            }
            None => writeln!(
                out,
                "{} [{}] {}",
                d.code,
                d.severity.as_str(),
                OneLine(&d.message)
            )?,
        }
    }
    writeln!(out, "{}", summary_line(diagnostics))
}

/// Writes the report in `format`, through one buffer for the whole report (stdout is
/// line-buffered: unbuffered, a large report is one write(2) per line or JSON token).
pub fn render(
    format: Format,
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
    color: bool,
) -> io::Result<()> {
    let mut buffered = BufWriter::with_capacity(1 << 16, out);
    render_unbuffered(format, &mut buffered, diagnostics, resolver, rules, color)?;
    buffered.flush()
}

fn render_unbuffered(
    format: Format,
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
    rules: &[&'static RuleMeta],
    color: bool,
) -> io::Result<()> {
    match format {
        Format::Concise => concise(out, diagnostics, resolver),
        Format::Pretty => {
            pretty::render(out, diagnostics, resolver, rules, color)?;
            writeln!(out, "{}", summary_line(diagnostics))
        }
        Format::Json => json::render(out, diagnostics, resolver, rules),
        Format::JsonLines => json::render_lines(out, diagnostics, resolver, rules),
        Format::Sarif => sarif::render(out, diagnostics, resolver, rules),
        Format::Github => {
            github::render(out, diagnostics, resolver)?;
            concise(out, diagnostics, resolver)
        }
        Format::Gitlab => gitlab::render(out, diagnostics, resolver),
    }
}

/// The rule metadata of a diagnostic.
pub fn meta_of<'r>(code: &str, rules: &[&'r RuleMeta]) -> Option<&'r RuleMeta> {
    rules.iter().find(|r| r.code == code).copied()
}

/// A report's array of findings (JSON's `diagnostics`, SARIF's `results`), each element
/// made by `make` only when the serialiser reaches it: no converted copy of the list is
/// held, whatever the number of findings.
pub(crate) struct Streamed<'a, 'r, T> {
    pub(crate) list: &'a [Diagnostic],
    /// Each diagnostic's fingerprint (see [`fingerprints`]), in the same order.
    pub(crate) prints: &'a [String],
    pub(crate) resolver: &'a Resolver<'r>,
    pub(crate) rules: &'a RuleIndex<'a>,
    pub(crate) make: fn(&'a Diagnostic, &'a str, &'a Resolver<'r>, &'a RuleIndex<'a>) -> T,
}

impl<T: serde::Serialize> serde::Serialize for Streamed<'_, '_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.list.len()))?;
        for (d, print) in self.list.iter().zip(self.prints) {
            seq.serialize_element(&(self.make)(d, print, self.resolver, self.rules))?;
        }
        seq.end()
    }
}

/// Rule metadata by code, for reports that look it up per diagnostic.
pub(crate) struct RuleIndex<'r> {
    by_code: std::collections::HashMap<&'static str, (usize, &'r RuleMeta)>,
}

impl<'r> RuleIndex<'r> {
    pub(crate) fn new(rules: &[&'r RuleMeta]) -> Self {
        let mut by_code = std::collections::HashMap::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            // The first rule with a code wins, as in `meta_of`.
            by_code.entry(r.code).or_insert((i, *r));
        }
        RuleIndex { by_code }
    }

    /// Position in the rule list and metadata.
    pub(crate) fn get(&self, code: &str) -> Option<(usize, &'r RuleMeta)> {
        self.by_code.get(code).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::{Edit, FileKind, Fix};

    /// A decoded `\n` in a quoted value, a tab and a carriage return stay on the line as
    /// escapes; other text, non-ASCII included, is written as it is.
    #[test]
    fn one_line_escapes_control_characters_only() {
        let text = "PHP_VALUE `memory_limit=768M \n max_execution_time=600`\tü\r";
        assert_eq!(
            OneLine(text).to_string(),
            "PHP_VALUE `memory_limit=768M \\n max_execution_time=600`\\tü\\r"
        );
        assert_eq!(OneLine("plain").to_string(), "plain");
        assert_eq!(OneLine("").to_string(), "");
    }

    /// Every field filled: a primary and a related label, help, notes, a fix with an edit,
    /// and one diagnostic with no location at all.
    fn sample(map: &SourceMap) -> Vec<Diagnostic> {
        let a = on_disk(
            map,
            "/etc/nginx/a.conf",
            FileKind::Nginx,
            "server {\n  listen 80;\n}\n",
        );
        let b = on_disk(
            map,
            "/etc/php/pool.conf",
            FileKind::Fpm,
            "[www]\nlisten = 9000\n",
        );
        let meta = crate::all_rules()[0];
        let mut full = Diagnostic::new(meta, Span::new(a, 11, 20), "first \"quoted\" message")
            .with_label("here")
            .with_related(Span::new(b, 6, 12), "pool")
            .with_related(Span::new(a, 0, 6), "")
            .with_help("do this")
            .with_note("a note");
        full.fix = Some(Fix::safe(
            "replace",
            vec![Edit::replace(Span::new(a, 11, 20), "listen 81;")],
        ));
        let mut bare = Diagnostic::new(meta, Span::point(a, 0), "no place");
        bare.primary = None;
        vec![full, bare]
    }

    /// A file read from this machine's disk (its path is where it was read).
    fn on_disk(map: &SourceMap, path: &str, kind: FileKind, text: &str) -> lint_source::FileId {
        map.add(lint_source::SourceFile::new(
            PathBuf::from(path),
            Some(PathBuf::from(path)),
            kind,
            std::sync::Arc::from(text.as_bytes()),
        ))
    }

    fn rendered(format: Format) -> String {
        let map = SourceMap::new();
        let diagnostics = sample(&map);
        let resolver = Resolver::new(&map, PathBuf::from("/etc"));
        let mut out = Vec::new();
        render(
            format,
            &mut out,
            &diagnostics,
            &resolver,
            &crate::all_rules(),
            false,
        )
        .expect("rendering to memory");
        String::from_utf8(out).expect("UTF-8 report")
    }

    /// The typed documents keep the bytes of the `serde_json::Value` documents they
    /// replaced: a `Value` sorts object keys, so re-serialising the parsed output
    /// must give the same text.
    #[test]
    fn json_and_sarif_keep_the_key_order_of_the_value_documents() {
        for format in [Format::Json, Format::Sarif] {
            let text = rendered(format);
            let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let again = serde_json::to_string_pretty(&value).expect("serialises") + "\n";
            assert_eq!(text, again, "{format:?}");
        }
        assert!(rendered(Format::Json).contains("\"replacement\": \"listen 81;\""));
        let lines = rendered(Format::JsonLines);
        assert_eq!(lines.lines().count(), 2);
        for line in lines.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("valid JSON line");
            assert_eq!(line, serde_json::to_string(&value).expect("serialises"));
        }
    }

    #[test]
    fn places_name_files_relative_to_the_base() {
        let text = rendered(Format::Concise);
        assert!(text.starts_with("nginx/a.conf:2:3: "), "{text}");
    }

    #[test]
    fn one_file_has_one_spelling() {
        let map = SourceMap::new();
        let dotted = on_disk(&map, "./etc/nginx/nginx.conf", FileKind::Nginx, "");
        let plain = on_disk(&map, "etc/php/8.2/fpm/php-fpm.conf", FileKind::Fpm, "");
        let inside = on_disk(&map, "/work/x/./etc/a.conf", FileKind::Nginx, "");
        // A file of no disk here (a dump's, from another machine) keeps its name.
        let dumped = map.add_text("/work/x/etc/b.conf", FileKind::Nginx, "");
        let resolver = Resolver::new(&map, PathBuf::from("/work/x"));
        assert_eq!(
            resolver.path(Span::point(dotted, 0)),
            "etc/nginx/nginx.conf"
        );
        assert_eq!(
            resolver.path(Span::point(plain, 0)),
            "etc/php/8.2/fpm/php-fpm.conf"
        );
        assert_eq!(resolver.path(Span::point(inside, 0)), "etc/a.conf");
        assert_eq!(resolver.path(Span::point(dumped, 0)), "/work/x/etc/b.conf");
    }

    /// Texts embedded in one repository file (a manifest's ConfigMaps) share one reading
    /// of it: it was read, and its line table made, once per text.
    #[test]
    fn one_carrier_file_is_read_once_for_all_its_texts() {
        let dir = std::env::temp_dir().join(format!("nfl-carriers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let manifest = dir.join("k8s.yaml");
        let mut yaml = String::new();
        for i in 0..3 {
            yaml.push_str(&format!(
                "---\ndata:\n  site.conf: |\n    server {{\n      server_name s{i};\n    }}\n"
            ));
        }
        std::fs::write(&manifest, &yaml).expect("manifest written");
        let map = SourceMap::new();
        let other = on_disk(
            &map,
            "/etc/nginx/nginx.conf",
            FileKind::Nginx,
            "events {}\n",
        );
        let embedded: Vec<_> = (0..3)
            .map(|i| {
                let text = format!("server {{\n  server_name s{i};\n}}\n");
                let carrier = lint_source::Carrier::locate(manifest.clone(), &yaml, &text);
                map.add(
                    lint_source::SourceFile::new(
                        PathBuf::from("/etc/nginx/conf.d/site.conf"),
                        None,
                        FileKind::Nginx,
                        std::sync::Arc::from(text.as_bytes()),
                    )
                    .with_carrier(carrier),
                )
            })
            .collect();
        let resolver = Resolver::new(&map, dir.clone());
        assert_eq!(resolver.carriers.len(), 1);
        assert_eq!(resolver.carrier_slots[other.0 as usize], None);
        for (i, id) in embedded.iter().enumerate() {
            // `server_name` of site i: line 2 of its text, line 6i + 5 of the manifest.
            let place = resolver.place(Span::new(*id, 11, 22));
            assert_eq!(
                (place.path, place.start.line),
                ("k8s.yaml", 6 * i as u32 + 5)
            );
            assert_eq!(place.start.column, 7);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
