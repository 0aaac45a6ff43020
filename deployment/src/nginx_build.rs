//! nginx compiled from its sources in a Dockerfile `RUN` (`./configure --prefix=…
//! --conf-path=… && make && make install`): where that nginx reads its main file, the
//! prefix its relative paths resolve against, and the user its workers run as.
//!
//! No package or image says any of this for such a build: the configure line is the
//! only evidence, and without it the repository's nginx.conf COPY'd to
//! `/usr/local/nginx/conf/` was linted as a loose file in the official image's place
//! (jetsung/docker-nginx-php). The defaults are nginx's own `auto/options` and
//! `auto/install`: prefix `/usr/local/nginx`, `conf/nginx.conf` under it, user `nobody`;
//! a relative `--conf-path` is taken from the prefix, and `make install` puts
//! `mime.types`, `fastcgi_params`, `fastcgi.conf` … in the conf file's folder.

use std::path::{Path, PathBuf};

/// What one nginx `./configure` line says about the installed server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceBuild {
    /// `--prefix` (`/usr/local/nginx` by default): relative paths resolve against it.
    pub prefix: PathBuf,
    /// `--conf-path` (`<prefix>/conf/nginx.conf` by default): the main file.
    pub conf_path: PathBuf,
    /// `--user` (`nobody` by default): the worker user when no `user` directive says it.
    pub user: String,
    /// `--sbin-path` (`<prefix>/sbin/nginx` by default): the binary a command starts.
    pub sbin_path: PathBuf,
    /// The release the sources are (`1.26` of `cd /tmp/nginx-1.26.2`), when their folder
    /// says it.
    pub version: Option<String>,
}

impl SourceBuild {
    /// Where nginx's relative includes resolve: the main file's folder.
    pub fn conf_dir(&self) -> PathBuf {
        self.conf_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.prefix.join("conf"))
    }
}

/// The build an nginx `./configure` in a shell command makes, when the command runs one.
/// `words` is the command split on white space (after ARG/ENV substitution); `dir` is
/// the folder it runs in so far (a `cd /tmp/nginx-1.26.2` before it), which tells
/// nginx's configure from another program's when its flags do not (php's, pcre's).
///
/// ```
/// use deployment::nginx_build::configure;
/// let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
/// let b = configure(&words("cd /tmp/nginx-1.26.2 && ./configure --prefix=/opt/nginx --user=www --with-http_ssl_module && make install")).unwrap();
/// assert_eq!(b.conf_path, std::path::Path::new("/opt/nginx/conf/nginx.conf"));
/// assert_eq!(b.user, "www");
/// let b = configure(&words("./configure --prefix=/etc/nginx --conf-path=/etc/nginx/nginx.conf --sbin-path=/usr/sbin/nginx --with-http_v2_module")).unwrap();
/// assert_eq!(b.conf_dir(), std::path::Path::new("/etc/nginx"));
/// // php's configure is not nginx's.
/// assert!(configure(&words("cd php-8.3.0 && ./configure --prefix=/usr/local/php --enable-fpm")).is_none());
/// ```
pub fn configure(words: &[String]) -> Option<SourceBuild> {
    let mut found = None;
    let mut dir_is_nginx = false;
    let mut version = None;
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        if word == "cd" {
            // `cd /tmp/nginx-${NGINX_VERSION}` (substituted), `cd nginx`.
            let dir = words
                .get(i + 1)
                .map(|d| d.trim_end_matches([';', '&']).trim_matches(['"', '\'']));
            dir_is_nginx = dir.is_some_and(names_nginx_source);
            version = dir.and_then(version_of);
        }
        let program = word.trim_start_matches(['(', '{']);
        if program == "./configure"
            || program == "auto/configure"
            || program.ends_with("/configure") && names_nginx_source(program)
        {
            let end = words[i + 1..]
                .iter()
                .position(|w| is_separator(w))
                .map_or(words.len(), |p| i + 1 + p);
            let flags = &words[i + 1..end];
            let in_nginx = dir_is_nginx || names_nginx_source(program);
            if let Some(mut build) = parse_flags(flags, in_nginx) {
                build.version = version.clone().or_else(|| version_of(program));
                found = Some(build);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    found
}

/// `nginx-1.26.2`, `/usr/src/nginx`, `nginx-${NGINX_VERSION}`: nginx's own sources, not
/// OpenResty's or Tengine's (their layouts differ: OpenResty keeps `<prefix>/nginx/conf`).
fn names_nginx_source(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "nginx" || part.starts_with("nginx-") || part.starts_with("nginx_"))
}

/// `1.26` of `/tmp/nginx-1.26.2`: the release a source folder is named for.
fn version_of(path: &str) -> Option<String> {
    let rest = path
        .split('/')
        .find_map(|part| part.strip_prefix("nginx-"))?;
    let mut parts = rest.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(major) && digits(minor)).then(|| format!("{major}.{minor}"))
}

fn is_separator(word: &str) -> bool {
    matches!(word, "&&" | "||" | ";" | "|" | "\\;")
        || word.ends_with(';') && !word.starts_with("--")
}

/// The build the flags describe, when they are nginx's: its own options say so
/// (`--with-http_*`, `--conf-path`, `--http-*-temp-path`, `--add-module`), or the sources
/// it runs in are nginx's.
fn parse_flags(flags: &[String], in_nginx: bool) -> Option<SourceBuild> {
    let mut prefix = None;
    let mut conf_path = None;
    let mut sbin_path = None;
    let mut user = None;
    let mut nginx_own = in_nginx;
    for flag in flags {
        let flag = flag.trim_matches(['"', '\'']).trim_end_matches(';');
        let (name, value) = flag.split_once('=').unwrap_or((flag, ""));
        let value = value.trim_matches(['"', '\'']);
        match name {
            "--prefix" => prefix = Some(value),
            "--conf-path" => {
                conf_path = Some(value);
                nginx_own = true;
            }
            "--sbin-path" => sbin_path = Some(value),
            "--user" => user = Some(value),
            _ if name.starts_with("--with-http")
                || name.starts_with("--without-http")
                || name.starts_with("--http-")
                || name.starts_with("--with-stream")
                || name.starts_with("--with-mail")
                || name.starts_with("--add-module")
                || name.starts_with("--add-dynamic-module") =>
            {
                nginx_own = true;
            }
            _ => {}
        }
    }
    // OpenResty's and Tengine's configure take the same flags, with other layouts.
    let foreign = |p: &str| {
        let p = p.to_ascii_lowercase();
        p.contains("openresty") || p.contains("tengine")
    };
    if !nginx_own || prefix.is_some_and(foreign) {
        return None;
    }
    let prefix = PathBuf::from(
        prefix
            .filter(|p| p.starts_with('/'))
            .unwrap_or("/usr/local/nginx"),
    );
    // Relative paths are the prefix's (auto/options: NGX_CONF_PATH=conf/nginx.conf).
    let under_prefix = |value: Option<&str>, default: &str| -> PathBuf {
        let value = value.filter(|v| !v.is_empty()).unwrap_or(default);
        lint_source::vfs::normalize(&prefix.join(value))
    };
    Some(SourceBuild {
        conf_path: under_prefix(conf_path, "conf/nginx.conf"),
        sbin_path: under_prefix(sbin_path, "sbin/nginx"),
        user: user
            .filter(|u| !u.is_empty())
            .unwrap_or("nobody")
            .to_string(),
        prefix,
        version: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn defaults_are_nginx_own() {
        let b = configure(&words(
            "cd /tmp/nginx-1.26.2 && ./configure --with-http_ssl_module && make && make install",
        ))
        .unwrap();
        assert_eq!(b.prefix, Path::new("/usr/local/nginx"));
        assert_eq!(b.conf_path, Path::new("/usr/local/nginx/conf/nginx.conf"));
        assert_eq!(b.sbin_path, Path::new("/usr/local/nginx/sbin/nginx"));
        assert_eq!(b.user, "nobody");
        assert_eq!(b.version.as_deref(), Some("1.26"));
        // `nginx-${NGINX_VERSION}` left unsubstituted names no release.
        let b = configure(&words(
            "cd nginx-${NGINX_VERSION} && ./configure --user=www",
        ))
        .unwrap();
        assert_eq!(b.version, None);
    }

    #[test]
    fn relative_conf_path_is_the_prefix_one() {
        let b = configure(&words(
            "./configure --prefix=/opt/web --conf-path=etc/main.conf --with-http_v2_module",
        ))
        .unwrap();
        assert_eq!(b.conf_path, Path::new("/opt/web/etc/main.conf"));
        assert_eq!(b.conf_dir(), Path::new("/opt/web/etc"));
    }

    #[test]
    fn other_programs_and_other_nginx_builds_are_not_read() {
        // pcre's, php's: nothing of nginx's.
        assert!(configure(&words("cd pcre-8.45 && ./configure --prefix=/usr/local")).is_none());
        assert!(configure(&words(
            "./configure --prefix=/usr/local/php --with-fpm-user=www"
        ))
        .is_none());
        // OpenResty keeps <prefix>/nginx/conf.
        assert!(configure(&words(
            "cd openresty-1.25 && ./configure --prefix=/usr/local/openresty --with-http_ssl_module"
        ))
        .is_none());
        // The last nginx configure of the command wins over an earlier php one.
        let b = configure(&words(
            "cd /src/php && ./configure --prefix=/usr/local/php ; cd /src/nginx-1.24.0 && ./configure --prefix=/usr/local/nginx --user=www",
        ))
        .unwrap();
        assert_eq!(b.user, "www");
        assert_eq!(b.prefix, Path::new("/usr/local/nginx"));
    }
}
