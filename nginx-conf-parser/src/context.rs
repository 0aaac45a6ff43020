//! Linting a snippet in the context it is written for.
//!
//! A file such as `conf.d/site.conf` or a copied `location` block is not a main file:
//! nginx only ever reads it through an `include` inside `http`, `server` or `location`.
//! To see it as nginx would, the snippet is loaded through a small wrapper main file
//! (`events {} http { server { location / { include SNIPPET; } } }`, as deep as its
//! context needs) that exists only in memory. The snippet keeps its own path and
//! offsets, so every finding inside it points at the user's file; findings about the
//! wrapper itself are the wrapper's, and callers drop them (see [`is_wrapper`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::vfs::{has_glob, Fetched, FileSystem, FsError};
use lint_source::{Diagnostic, FileId, SourceFile, SourceMap};

use crate::catalogue::NginxVersion;
use crate::check::infer_context_of;
use crate::config::Config;
use crate::load::{load, normalize, LoadOptions};
use crate::parse::parse_file;

/// The origin recorded on the in-memory wrapper file.
pub const WRAPPER_ORIGIN: &str = "context wrapper (not a file)";

/// Contexts a snippet can be wrapped in, outermost first.
pub const CONTEXTS: &[&str] = &["main", "http", "server", "location"];

/// True when `file` is a wrapper made by [`load_in_context`]: findings in it are not
/// about anything the user wrote.
pub fn is_wrapper(file: &SourceFile) -> bool {
    file.origin.as_deref() == Some(WRAPPER_ORIGIN)
}

/// Serves the wrapper at its own path and every other path from the real view.
#[derive(Debug)]
struct ContextFs {
    inner: Arc<dyn FileSystem>,
    wrapper: PathBuf,
    text: Arc<[u8]>,
}

impl FileSystem for ContextFs {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        if path == self.wrapper {
            return Ok(Fetched {
                carrier: None,
                bytes: self.text.clone(),
                disk_path: None,
                origin: Some(Arc::from(WRAPPER_ORIGIN)),
            });
        }
        self.inner.read(path)
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        self.inner.glob(pattern)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        self.inner.is_dir(path)
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        if path == self.wrapper {
            return None;
        }
        self.inner.disk_path(path)
    }
}

/// The context a snippet's top-level directives call for (see
/// [`crate::check::infer_context_of`]); `main` when the file cannot be read.
pub fn infer_file_context(path: &Path, opts: &LoadOptions, version: NginxVersion) -> &'static str {
    top_level_names(path, opts).map_or("main", |names| infer_context_of(&names, version))
}

/// Top-level directives only a whole nginx.conf has (an `events` or `http` block, the
/// master's `user`, `worker_processes`, `pid`); lines another file includes have none.
pub(crate) const WHOLE_FILE_DIRECTIVES: &[&str] =
    &["events", "http", "user", "worker_processes", "pid"];

/// Whether a file of these top-level `names` is a whole nginx.conf rather than lines
/// another file includes: it is named `nginx.conf`, or has one of
/// [`WHOLE_FILE_DIRECTIVES`]. A file that cannot be read (`None`) is taken as whole (its
/// own error says why).
fn whole_file(path: &Path, opts: &LoadOptions, names: Option<&[String]>) -> bool {
    main_path(path, opts)
        .file_name()
        .is_some_and(|n| n == "nginx.conf")
        || names.is_none_or(|names| {
            names
                .iter()
                .any(|n| WHOLE_FILE_DIRECTIVES.contains(&n.as_str()))
        })
}

/// The names of a file's top-level directives; `None` when it cannot be read. Parsed
/// outside the source map: only the names are needed, and the file is read again (and
/// registered once) by the real load.
fn top_level_names(path: &Path, opts: &LoadOptions) -> Option<Vec<String>> {
    let fetched = opts.filesystem().read(&main_path(path, opts)).ok()?;
    let (file, _) = parse_file(FileId(u32::MAX), fetched.bytes);
    Some(
        file.directives
            .iter()
            .map(|d| file.name(d).into_owned())
            .collect(),
    )
}

fn main_path(path: &Path, opts: &LoadOptions) -> PathBuf {
    normalize(&match (path.is_absolute(), &opts.prefix) {
        (false, Some(prefix)) => prefix.join(path),
        _ => path.to_path_buf(),
    })
}

/// Loads `path` as a snippet of `context` (`auto` infers it; `main` or an unknown
/// context loads it as a main file). Returns the tree and the context used.
pub fn load_in_context(
    path: &Path,
    context: &str,
    opts: &LoadOptions,
    version: NginxVersion,
    map: &SourceMap,
) -> (Config, &'static str) {
    // The file's top-level names, read once for both questions of `auto`.
    let names = (context == "auto").then(|| top_level_names(path, opts));
    let inferred = names.as_ref().map(|names| {
        names
            .as_deref()
            .map_or("main", |n| infer_context_of(n, version))
    });
    if let (Some(names), Some(inferred)) = (&names, inferred) {
        if inferred == "main" && !whole_file(path, opts, names.as_deref()) {
            // Main-level lines that are no whole nginx.conf (Debian's modules-enabled/
            // `load_module` files, a `stream` snippet, h5bp's include-only basic.conf):
            // read as they are, with their relative includes unknown.
            let mut config = load(path, opts, map);
            if opts.conf_prefix.is_none() {
                relative_includes_not_known(&mut config, map);
            }
            return (config, "main");
        }
    }
    let context = match context {
        "auto" => inferred.unwrap_or("main"),
        c => CONTEXTS
            .iter()
            .find(|k| **k == c)
            .copied()
            .unwrap_or("main"),
    };
    let main = main_path(path, opts);
    let (Some(dir), Some(name)) = (main.parent(), main.file_name()) else {
        return (load(path, opts, map), "main");
    };
    let name = name.to_string_lossy();
    // The include names the snippet relative to the conf prefix (the wrapper's directory
    // unless one is given); a name nginx would glob or that needs escaping is not wrapped.
    let target = match &opts.conf_prefix {
        None => name.to_string(),
        Some(_) if main.is_absolute() => main.to_string_lossy().into_owned(),
        Some(_) => return (load(path, opts, map), "main"),
    };
    if context == "main" || has_glob(&target) || target.contains(['"', '\\', '$']) {
        return (load(path, opts, map), "main");
    }
    let include = format!("include \"{target}\";");
    let body = match context {
        "http" => format!("http {{\n{include}\n}}\n"),
        "server" => format!("http {{\nserver {{\n{include}\n}}\n}}\n"),
        _ => format!("http {{\nserver {{\nlocation / {{\n{include}\n}}\n}}\n}}\n"),
    };
    let text = format!("events {{}}\n{body}");
    let wrapper = dir.join(format!("{name}.{context}-context"));
    let fs = ContextFs {
        inner: opts.filesystem(),
        wrapper: wrapper.clone(),
        text: Arc::from(text.into_bytes()),
    };
    let wrapped = LoadOptions {
        fs: Some(Arc::new(fs)),
        prefix: None,
        ..opts.clone()
    };
    let mut config = load(&wrapper, &wrapped, map);
    if opts.conf_prefix.is_none() {
        relative_includes_not_known(&mut config, map);
    }
    (config, context)
}

/// A snippet linted on its own has no configuration directory: nginx reads its relative
/// `include global/wordpress.conf;` from the directory of the nginx.conf that includes
/// it (/etc/nginx on most systems), not from beside the snippet. Not found beside it is
/// then no error (the WordPress handbook's site file: two false NGX002), only a note.
pub fn relative_includes_not_known(config: &mut Config, map: &SourceMap) {
    for d in &mut config.diagnostics {
        if d.code != crate::codes::INCLUDE_NOT_FOUND.code {
            continue;
        }
        let Some(span) = d.primary.as_ref().map(|p| p.span) else {
            continue;
        };
        let text = map.get(span.file).text();
        let Some(statement) = text.get(span.range()) else {
            continue;
        };
        let statement = String::from_utf8_lossy(statement);
        let Some(arg) = statement.trim().strip_prefix("include").map(|a| {
            a.trim()
                .trim_end_matches(';')
                .trim()
                .trim_matches(['"', '\''])
        }) else {
            continue;
        };
        if arg.is_empty() || arg.starts_with('/') {
            continue;
        }
        *d = Diagnostic::new(
            &crate::codes::INCLUDE_UNKNOWN,
            span,
            format!("\"{arg}\" is read from the directory of the nginx.conf that includes this file, which a file linted on its own does not have: not checked"),
        )
        .with_help("lint the whole tree (its nginx.conf, or the repository), or give the file with an absolute include path");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("snippet.conf");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    fn top(config: &Config) -> Vec<String> {
        // The path of block names down to the snippet's first statement.
        let mut names = Vec::new();
        let mut items: Vec<_> = config.items().collect();
        while let Some(item) = items
            .iter()
            .find(|i| i.is_block() && !i.is("events"))
            .copied()
        {
            names.push(item.name().into_owned());
            items = item.children().collect();
        }
        // The include statement itself is listed before what it splices in.
        names.extend(
            items
                .iter()
                .find(|i| !i.is("include"))
                .map(|i| i.name().into_owned()),
        );
        names
    }

    #[test]
    fn infers_and_wraps_each_context() {
        let cases = [
            (
                "server { listen 80; }\n",
                "http",
                vec!["http", "server", "listen"],
            ),
            (
                "listen 80;\nlocation / { }\n",
                "server",
                vec!["http", "server", "location"],
            ),
            (
                "proxy_pass http://x;\n",
                "location",
                vec!["http", "server", "location", "proxy_pass"],
            ),
            ("events {}\nhttp { }\n", "main", vec!["http"]),
        ];
        for (text, context, path) in cases {
            let (_dir, file) = snippet(text);
            let map = SourceMap::new();
            let (config, used) = load_in_context(
                &file,
                "auto",
                &LoadOptions::default(),
                NginxVersion::default(),
                &map,
            );
            assert_eq!(used, context, "{text}");
            assert_eq!(top(&config), path, "{text}");
            assert!(config.diagnostics.is_empty(), "{:?}", config.diagnostics);
        }
    }

    #[test]
    fn snippet_keeps_its_path_and_offsets() {
        let (_dir, file) = snippet("add_header X-A 1;\nproxy_pass http://x;\n");
        let map = SourceMap::new();
        let (config, _) = load_in_context(
            &file,
            "location",
            &LoadOptions::default(),
            NginxVersion::default(),
            &map,
        );
        let pass = config
            .items()
            .find(|i| i.is("http"))
            .and_then(|h| h.children().find(|i| i.is("server")))
            .and_then(|s| s.children().find(|i| i.is("location")))
            .and_then(|l| l.children().find(|i| i.is("proxy_pass")))
            .expect("proxy_pass spliced into the location");
        let span = pass.span();
        let source = map.get(span.file);
        assert_eq!(source.path, file);
        assert!(!is_wrapper(&source));
        assert_eq!(span.start, 18);
        let root = map.get(config.root.expect("root"));
        assert!(is_wrapper(&root));
    }
}
