//! Syntax facts of every file a lint read, for navigation: nginx parse trees,
//! php-fpm lines, pools and their listen lines, upstreams, variables.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use fpm_conf_parser::{Line, Listen};
use lint_rules::model::address::{parse_nginx_target, reaches, NginxTarget, Reach, TargetHost};
use lint_source::{FileId, FileKind, SourceMap, Span};
use lsp_types::{Location, Url};
use nginx_conf_parser::{Directive, ParsedFile};

use crate::text::LineIndex;

/// A file's syntax.
#[derive(Debug)]
pub enum Syntax {
    /// An nginx file.
    Nginx(ParsedFile),
    /// A php-fpm (or php.ini) file.
    Fpm(Vec<Line>),
    /// Anything else.
    Other,
}

/// One file with its syntax.
#[derive(Debug)]
pub struct File {
    /// Its id in the map of the lint that read it.
    pub id: FileId,
    /// The path nginx or php-fpm names it by.
    pub path: PathBuf,
    /// What the lint read it as.
    pub kind: FileKind,
    /// Where it is on this machine (`None`: an image's stock file).
    pub disk: Option<PathBuf>,
    /// Its URI, when on disk.
    pub uri: Option<Url>,
    /// Its bytes.
    pub text: Arc<[u8]>,
    /// Its lines.
    pub lines: LineIndex,
    /// Its syntax.
    pub syntax: Syntax,
}

impl File {
    /// Parses `text` as `kind`, under a map id (spans carry it).
    pub fn parse(
        id: FileId,
        path: PathBuf,
        disk: Option<PathBuf>,
        kind: FileKind,
        text: Arc<[u8]>,
    ) -> File {
        let syntax = match kind {
            FileKind::Nginx => Syntax::Nginx(nginx_conf_parser::parse_file(id, text.clone()).0),
            FileKind::Fpm | FileKind::PhpIni => {
                let mut diags = Vec::new();
                let mut unknown = Vec::new();
                Syntax::Fpm(fpm_conf_parser::parse_lines(
                    id,
                    &text,
                    &Default::default(),
                    &mut diags,
                    &mut unknown,
                ))
            }
            _ => Syntax::Other,
        };
        File {
            id,
            kind,
            uri: disk.as_deref().and_then(|d| Url::from_file_path(d).ok()),
            lines: LineIndex::new(&text),
            path,
            disk,
            text,
            syntax,
        }
    }

    /// The LSP location of a span of this file.
    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location {
            uri: self.uri.clone()?,
            range: self
                .lines
                .range(&self.text, span.start as usize, span.end as usize),
        })
    }

    /// A token's text.
    pub fn str(&self, span: Span) -> String {
        let end = (span.end as usize).min(self.text.len());
        let start = (span.start as usize).min(end);
        String::from_utf8_lossy(&self.text[start..end]).into_owned()
    }
}

/// A pool's `listen` line.
#[derive(Debug)]
pub struct PoolListen {
    /// Which file.
    pub file: usize,
    /// The pool's name.
    pub pool: String,
    /// The value as written.
    pub value: String,
    /// The address.
    pub listen: Listen,
    /// `listen = value`.
    pub span: Span,
}

/// Every file of the last lint.
#[derive(Debug, Default)]
pub struct Index {
    /// The files (one per map id).
    pub files: Vec<Arc<File>>,
}

/// Calls `f` on every directive of a tree, depth first, with its enclosing blocks.
pub fn walk<'a>(
    directives: &'a [Directive],
    parents: &mut Vec<&'a Directive>,
    f: &mut dyn FnMut(&'a Directive, &[&'a Directive]),
) {
    for d in directives {
        f(d, parents);
        if let Some(block) = &d.block {
            parents.push(d);
            walk(&block.directives, parents, f);
            parents.pop();
        }
    }
}

impl Index {
    /// Parses every file of a map.
    pub fn build(map: &SourceMap) -> Index {
        Self::rebuild(map, &Index::default())
    }

    /// [`Index::build`], taking over the files of `previous` that the lint read again
    /// unchanged: an incremental lint keeps an unchanged file's id and bytes, so only
    /// the edited file is parsed again for navigation too.
    pub fn rebuild(map: &SourceMap, previous: &Index) -> Index {
        let known: std::collections::HashMap<(FileId, *const u8), &Arc<File>> = previous
            .files
            .iter()
            .map(|f| ((f.id, f.text.as_ptr()), f))
            .collect();
        let files = map
            .files()
            .into_iter()
            .map(|(id, f)| match known.get(&(id, f.text().as_ptr())) {
                // The same id and bytes under the same names: another workspace's linter
                // (or one planned again) counts its ids from 0 as well.
                Some(same)
                    if same.path == f.path && same.disk == f.disk_path && same.kind == f.kind =>
                {
                    Arc::clone(same)
                }
                _ => Arc::new(File::parse(
                    id,
                    f.path.clone(),
                    f.disk_path.clone(),
                    f.kind,
                    f.text(),
                )),
            })
            .collect();
        Index { files }
    }

    /// Every pool's listen line.
    pub fn pools(&self) -> Vec<PoolListen> {
        let mut out = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            let Syntax::Fpm(lines) = &file.syntax else {
                continue;
            };
            let mut section: Option<String> = None;
            for line in lines {
                match line {
                    Line::Section { name, .. } => section = Some(name.clone()),
                    Line::Entry(e) if e.key.eq_ignore_ascii_case("listen") => {
                        let Some(pool) = section.clone().filter(|s| s != "global") else {
                            continue;
                        };
                        out.push(PoolListen {
                            file: i,
                            pool,
                            value: e.value.to_string(),
                            listen: fpm_conf_parser::parse_listen(&e.value, Path::new("/usr")),
                            span: e.key_span.to(e.value_span),
                        });
                    }
                    Line::Entry(_) => {}
                }
            }
        }
        out
    }

    /// Every nginx directive named `name` with its file.
    pub fn directives(&self, name: &str) -> Vec<(usize, &Directive)> {
        let mut out = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            let Syntax::Nginx(parsed) = &file.syntax else {
                continue;
            };
            walk(&parsed.directives, &mut Vec::new(), &mut |d, _| {
                if parsed.name(d) == name {
                    out.push((i, d));
                }
            });
        }
        out
    }

    /// The `upstream NAME { }` blocks called `name`.
    pub fn upstreams(&self, name: &str) -> Vec<(usize, &Directive)> {
        self.directives("upstream")
            .into_iter()
            .filter(|(i, d)| {
                let Syntax::Nginx(p) = &self.files[*i].syntax else {
                    return false;
                };
                d.args.first().is_some_and(|a| p.str(a) == name)
            })
            .collect()
    }

    /// Whether an nginx `fastcgi_pass` target reaches a pool: directly, or through an
    /// upstream of that name whose servers do.
    pub fn target_reaches(&self, target: &NginxTarget, listen: &Listen) -> bool {
        if reaches(target, listen) != Reach::No {
            return true;
        }
        if let NginxTarget::Tcp {
            host: TargetHost::Name(name),
            port: None,
        } = target
        {
            for (i, upstream) in self.upstreams(name) {
                let Syntax::Nginx(p) = &self.files[i].syntax else {
                    continue;
                };
                let Some(block) = &upstream.block else {
                    continue;
                };
                for server in block.directives.iter().filter(|d| p.name(d) == "server") {
                    if let Some(a) = server.args.first() {
                        if reaches(&parse_nginx_target(&p.str(a), false), listen) != Reach::No {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }

    /// Where `$name` is given a value: `set`, `map`, `geo`, `split_clients`, `perl_set`, `js_set`.
    pub fn variable_definitions(&self, name: &str) -> Vec<Location> {
        let wanted = format!("${name}");
        let mut out = Vec::new();
        for file in &self.files {
            let Syntax::Nginx(parsed) = &file.syntax else {
                continue;
            };
            walk(&parsed.directives, &mut Vec::new(), &mut |d, _| {
                let defining = match &*parsed.name(d) {
                    "set" | "perl_set" | "js_set" => d.args.first(),
                    "map" | "split_clients" => d.args.get(1),
                    "geo" => d.args.last(),
                    _ => None,
                };
                if let Some(arg) = defining {
                    if parsed.str(arg) == wanted {
                        out.extend(file.location(d.span));
                    }
                }
            });
        }
        out
    }

    /// The files an `include` pattern written in `from` names (relative patterns are tried
    /// against each directory above the including file: nginx resolves them against its
    /// conf prefix, one of those).
    pub fn included(&self, from: &Path, pattern: &str) -> Vec<&File> {
        let candidates: Vec<PathBuf> = if pattern.starts_with('/') {
            vec![PathBuf::from(pattern)]
        } else {
            from.ancestors().skip(1).map(|d| d.join(pattern)).collect()
        };
        let mut out: Vec<&File> = Vec::new();
        for file in &self.files {
            if !matches!(file.syntax, Syntax::Nginx(_)) {
                continue;
            }
            let hit = candidates.iter().any(|c| {
                let c = lint_source::vfs::normalize(c);
                lint_source::vfs::glob_matches(&c.to_string_lossy(), &file.path)
            });
            if hit
                && !out
                    .iter()
                    .any(|o| o.disk == file.disk && o.path == file.path)
            {
                out.push(file);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_api::{Input, Linter};

    #[test]
    fn a_rebuild_after_an_incremental_lint_parses_only_the_changed_file() {
        let input = |site: &str| {
            Input::texts(
                [
                    (
                        "/etc/nginx/nginx.conf",
                        "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
                    ),
                    ("/etc/nginx/conf.d/a.conf", site),
                    ("/etc/nginx/conf.d/b.conf", "server {\n    listen 81;\n}\n"),
                ],
                [("/etc/php/8.2/fpm/pool.d/www.conf", "[www]\nlisten = 9000\n")],
            )
        };
        let linter = Linter::default().incremental();
        let first = linter
            .lint(&input("server {\n    listen 80;\n}\n"))
            .expect("lints");
        let before = Index::build(&first.sources);
        let second = linter
            .lint(&input("server {\n    listen 8080;\n}\n"))
            .expect("lints");
        let after = Index::rebuild(&second.sources, &before);
        let find = |index: &Index, name: &str| {
            index
                .files
                .iter()
                .find(|f| f.path.ends_with(name))
                .cloned()
                .expect("indexed")
        };
        for unchanged in ["nginx.conf", "b.conf"] {
            assert!(
                Arc::ptr_eq(&find(&before, unchanged), &find(&after, unchanged)),
                "{unchanged}"
            );
        }
        assert!(!Arc::ptr_eq(
            &find(&before, "a.conf"),
            &find(&after, "a.conf")
        ));
        assert!(find(&after, "a.conf").text.windows(4).any(|w| w == b"8080"));
    }
}
