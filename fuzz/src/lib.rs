//! Shared pieces of the fuzz targets: the decoding of one fuzz input into a small tree of configuration files, and a
//! check that every diagnostic points inside a file of the source map.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;

use lint_rules::{LintInput, LintOptions, NginxInput};
use lint_source::vfs::FileSystem;
pub use lint_source::vfs::MemoryFs;
use lint_source::{Diagnostic, SourceMap, Span};

/// Where the files of a decoded tree live: a chunk's first byte (modulo the length)
/// picks its path, so mutations can move a file and seeds keep their layout.
pub const TREE_PATHS: &[&str] = &[
    "/etc/nginx/nginx.conf",
    "/etc/nginx/fastcgi.conf",
    "/etc/nginx/fastcgi_params",
    "/etc/nginx/conf.d/0.conf",
    "/etc/nginx/conf.d/1.conf",
    "/etc/nginx/snippets/fastcgi-php.conf",
    "/etc/nginx/sites-enabled/default",
    "/etc/php/8.2/fpm/php-fpm.conf",
    "/etc/php/8.2/fpm/pool.d/www.conf",
    "/etc/php/8.2/fpm/pool.d/1.conf",
    "/etc/php/8.2/fpm/php.ini",
    "/etc/passwd",
    "/etc/group",
];

/// Separates the files of a tree in a fuzz input.
pub const SEPARATOR: u8 = 0;

/// At most this many files per tree.
pub const MAX_FILES: usize = 8;

/// Decodes a fuzz input into a tree: chunks split on [`SEPARATOR`] (at most
/// [`MAX_FILES`]), each `[path index byte][contents]` (the byte modulo the number of
/// paths: nginx.conf is 13, as 0 is the separator). The first chunk naming a path wins.
pub fn decode_tree(data: &[u8]) -> MemoryFs {
    let mut fs = MemoryFs::new();
    for chunk in data.split(|&b| b == SEPARATOR).take(MAX_FILES) {
        let Some((&which, body)) = chunk.split_first() else {
            continue;
        };
        let path = TREE_PATHS[usize::from(which) % TREE_PATHS.len()];
        if fs.get(Path::new(path)).is_none() {
            fs.insert(path, body);
        }
    }
    fs
}

/// Encodes files (path index, contents) as [`decode_tree`] reads them (for seeds and tests).
/// Index 0 is written as `TREE_PATHS.len()`: a 0 byte would be the separator.
pub fn encode_tree(files: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (which, body)) in files.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.push(if *which == SEPARATOR {
            TREE_PATHS.len() as u8
        } else {
            *which
        });
        out.extend_from_slice(body);
    }
    out
}

/// The whole lint over the tree decoded from `data` (see [`decode_tree`]), read from memory:
/// nginx from /etc/nginx/nginx.conf, php-fpm from /etc/php/8.2/fpm/php-fpm.conf (with
/// php.ini and the accounts of /etc/passwd and /etc/group when the tree has them).
/// Odd-length inputs target nginx 1.22, the others the newest.
pub fn lint_tree(data: &[u8], map: &SourceMap) -> Vec<Diagnostic> {
    let fs = decode_tree(data);
    let accounts = match (
        fs.get(Path::new("/etc/passwd")),
        fs.get(Path::new("/etc/group")),
    ) {
        (None, None) => None,
        (p, g) => Some((
            String::from_utf8_lossy(p.unwrap_or_default()).into_owned(),
            String::from_utf8_lossy(g.unwrap_or_default()).into_owned(),
        )),
    };
    let php_ini = PathBuf::from("/etc/php/8.2/fpm/php.ini");
    let has_ini = fs.get(&php_ini).is_some();
    let fs: Arc<dyn FileSystem> = Arc::new(fs);
    let input = LintInput {
        nginx: vec![NginxInput::File("/etc/nginx/nginx.conf".into())],
        fpm: vec!["/etc/php/8.2/fpm/php-fpm.conf".into()],
        php_ini: if has_ini { vec![php_ini] } else { Vec::new() },
        options: LintOptions {
            nginx_version: (data.len() % 2 == 1).then(|| "1.22".to_string()),
            nginx_fs: Some(fs.clone()),
            fpm_fs: Some(fs),
            accounts,
            ..LintOptions::default()
        },
    };
    lint_rules::lint(&input, map)
}

fn check_span(map: &SourceMap, span: Span, what: &str) {
    let file = map.get(span.file);
    assert!(
        span.start <= span.end && span.end as usize <= file.text.len(),
        "{what} span {}..{} outside {} ({} bytes)",
        span.start,
        span.end,
        file.path.display(),
        file.text.len()
    );
    let _ = map.span_lines(span);
    let _ = file.snippet(span);
}

/// Runs `work` with a one-thread rayon pool whose worker is the calling thread.
///
/// The lint's parallel loops would otherwise hand every job to rayon's global pool and
/// wait on a futex for it: with `RAYON_NUM_THREADS=1` that handoff was about a tenth of
/// `lint_tree`'s time, spent in the kernel rather than in the code under test. Running
/// on the fuzzer's own thread also keeps a panic's backtrace on one stack.
pub fn on_this_thread<T>(work: impl FnOnce() -> T + Send) -> T
where
    T: Send,
{
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .use_current_thread()
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Asserts that every span of every diagnostic lies inside a file of `map` (a finding
/// must be shown at file:line:col) and renders its positions as the CLI does.
pub fn check_diagnostics(map: &SourceMap, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        if let Some(primary) = &d.primary {
            check_span(map, primary.span, d.code);
        }
        for label in &d.related {
            check_span(map, label.span, d.code);
        }
        if let Some(fix) = &d.fix {
            for edit in &fix.edits {
                check_span(map, edit.span, d.code);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lint_source::vfs::FsError;

    #[test]
    fn a_tree_decodes_to_its_paths_first_chunk_winning() {
        let data = encode_tree(&[(0, b"events {}"), (7 + 13, b"[global]"), (0, b"ignored")]);
        let fs = decode_tree(&data);
        assert_eq!(
            fs.get(Path::new("/etc/nginx/nginx.conf")),
            Some(&b"events {}"[..])
        );
        assert_eq!(
            fs.get(Path::new("/etc/php/8.2/fpm/php-fpm.conf")),
            Some(&b"[global]"[..])
        );
        assert_eq!(
            fs.glob(Path::new("/etc/php/8.2/fpm/*.conf")),
            Ok(vec![PathBuf::from("/etc/php/8.2/fpm/php-fpm.conf")])
        );
        assert_eq!(fs.is_dir(Path::new("/etc/php")), Some(true));
        assert_eq!(
            fs.read(Path::new("/etc/php")).err(),
            Some(FsError::IsDirectory)
        );
    }

    fn codes(nginx: &[u8], fpm: &[u8]) -> Vec<&'static str> {
        let map = SourceMap::new();
        let diagnostics = lint_tree(&encode_tree(&[(0, nginx), (7, fpm)]), &map);
        check_diagnostics(&map, &diagnostics);
        diagnostics.iter().map(|d| d.code).collect()
    }

    /// The harness reaches the cross-file rules: X001's bad fixture as a decoded tree
    /// reports X001, its good look-alike does not.
    #[test]
    fn a_decoded_fixture_tree_is_linted_as_a_whole() {
        let bad = codes(
            include_bytes!("../../fixtures/rules/X001/bad/etc/nginx/nginx.conf"),
            include_bytes!("../../fixtures/rules/X001/bad/etc/php/8.2/fpm/php-fpm.conf"),
        );
        assert!(bad.contains(&"X001"), "{bad:?}");
        let good = codes(
            include_bytes!("../../fixtures/rules/X001/good/etc/nginx/nginx.conf"),
            include_bytes!("../../fixtures/rules/X001/good/etc/php/8.2/fpm/php-fpm.conf"),
        );
        assert!(!good.contains(&"X001"), "{good:?}");
    }
}
