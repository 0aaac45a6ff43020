//! Finding what to lint: the machine's (or --root's) /etc trees, or the
//! paths given, recognised by content.

use std::path::{Path, PathBuf};

use lint_rules::{LintInput, NginxInput};

/// Where nginx and php-fpm keep their main files on the common distributions.
const NGINX_MAIN: &[&str] = &[
    "/etc/nginx/nginx.conf",
    "/usr/local/etc/nginx/nginx.conf",
    "/usr/local/nginx/conf/nginx.conf",
    // Homebrew on Apple silicon (Intel Macs use /usr/local/etc).
    "/opt/homebrew/etc/nginx/nginx.conf",
    // aaPanel / BT Panel's own build (php-fpm beside it in /www/server/php/NN/etc).
    "/www/server/nginx/conf/nginx.conf",
];
/// Fedora/RHEL, FreeBSD (Arch's /etc/php/php-fpm.conf is found with Alpine's trees).
const FPM_FIXED: &[&str] = &["/etc/php-fpm.conf", "/usr/local/etc/php-fpm.conf"];

/// Where [`discover`] looks, in words, for a message that found nothing.
pub const SEARCHED: &str = "nginx.conf in /etc/nginx, /usr/local/etc/nginx, /usr/local/nginx/conf, /opt/homebrew/etc/nginx or /www/server/nginx/conf; php-fpm in /etc/php/*/fpm, /etc/php*/ (Alpine), /etc/php/php-fpm.conf (Arch), /etc/php-fpm.conf, /usr/local/etc/php-fpm.conf, /etc/opt/remi/php*, /etc/opt/rh/rh-php*, /usr/local/php*, /etc/php5/fpm, /opt/homebrew/etc/php, /opt/cpanel/ea-php*/root/etc, /opt/plesk/php/*/etc or /www/server/php/*/etc";

fn under(root: Option<&Path>, path: &str) -> PathBuf {
    match root {
        Some(r) => r.join(path.trim_start_matches('/')),
        None => PathBuf::from(path),
    }
}

/// The Debian/Ubuntu php-fpm versions (`8.1`) whose package the dpkg database of the
/// machine (or of `root`) lists as removed with its configuration files kept
/// (`Status: deinstall ok config-files`, what `apt remove php8.1-fpm` leaves): their
/// `/etc/php/X.Y/fpm` trees are no running php-fpm. A site still pointing at such a
/// version's socket (the upgrade from 7.4 to 8.2 done, the nginx side forgotten) was
/// "No problems found", its pool read from the files left behind.
pub fn removed_php_fpm(root: Option<&Path>) -> Vec<String> {
    let Ok(status) = std::fs::read_to_string(under(root, "/var/lib/dpkg/status")) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for block in status.split("\n\n") {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
        };
        let Some(version) = field("Package:").and_then(|p| {
            p.strip_prefix("php")
                .and_then(|v| v.strip_suffix("-fpm"))
                .filter(|v| v.contains('.') && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
                .map(str::to_string)
        }) else {
            continue;
        };
        if field("Status:").is_some_and(|s| s.ends_with("config-files")) {
            removed.push(version);
        }
    }
    removed
}

/// Finds nginx.conf, every php-fpm tree (`/etc/php/*/fpm/php-fpm.conf` with its php.ini,
/// `/etc/php-fpm.conf`, `/usr/local/etc/php-fpm.conf`, remi's and Software Collections'
/// versioned trees, source builds under `/usr/local/php*`, cPanel's and Plesk's builds
/// under `/opt`) on the machine or under `root`.
/// Paths in the result are as nginx/php-fpm name them (absolute, root not included).
pub fn discover(root: Option<&Path>) -> LintInput {
    let mut input = LintInput::default();
    if let Some(main) = NGINX_MAIN.iter().find(|p| under(root, p).is_file()) {
        input.nginx.push(NginxInput::File(PathBuf::from(main)));
    }
    let php_dir = under(root, "/etc/php");
    if let Ok(entries) = std::fs::read_dir(&php_dir) {
        let removed = removed_php_fpm(root);
        let mut versions: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // A php-fpm package removed without --purge leaves its configuration:
            // nothing listens on its pools' sockets any more.
            .filter(|v| !removed.contains(v))
            .collect();
        versions.sort();
        for v in versions {
            // Debian's /etc/php/8.2/fpm/; Gentoo's slots keep it in /etc/php/fpm-php8.2/.
            let dir = if v.starts_with("fpm-php") {
                format!("/etc/php/{v}")
            } else {
                format!("/etc/php/{v}/fpm")
            };
            add_fpm_tree(&mut input, root, &dir);
        }
    }
    for conf in FPM_FIXED {
        if under(root, conf).is_file() {
            input.fpm.push(PathBuf::from(conf));
        }
    }
    // One tree per version beside each other: remi's and Software Collections' packages
    // (/etc/opt/remi/php74, /etc/opt/rh/rh-php73), and source builds that installers
    // (LNMP.org, OneinStack) put under /usr/local/php (or /usr/local/php74). Each main
    // file's php.ini is beside it.
    for (parent, prefix, tail) in [
        ("/etc/opt/remi", "php", ""),
        ("/etc/opt/rh", "rh-php", ""),
        ("/usr/local", "php", "/etc"),
        // Alpine's packages: /etc/php83/php-fpm.conf (php7, php8, php81, ...); Arch's
        // unversioned /etc/php/php-fpm.conf.
        ("/etc", "php", ""),
        // Debian's and Ubuntu's php5-fpm (jessie, trusty): /etc/php5/fpm/php-fpm.conf.
        ("/etc", "php", "/fpm"),
        // Homebrew: /opt/homebrew/etc/php/8.3/php-fpm.conf (Intel: /usr/local/etc/php).
        ("/opt/homebrew/etc/php", "", ""),
        ("/usr/local/etc/php", "", ""),
        // Hosting panels' own builds: cPanel EA4's /opt/cpanel/ea-php82/root/etc, Plesk's
        // /opt/plesk/php/8.2/etc (one pool per domain in php-fpm.d/).
        ("/opt/cpanel", "ea-php", "/root/etc"),
        ("/opt/plesk/php", "", "/etc"),
        // aaPanel / BT Panel: /www/server/php/74/etc/php-fpm.conf, one tree per version.
        ("/www/server/php", "", "/etc"),
    ] {
        let Ok(entries) = std::fs::read_dir(under(root, parent)) else {
            continue;
        };
        let mut dirs: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| {
                name.strip_prefix(prefix)
                    .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            })
            .collect();
        dirs.sort();
        for dir in dirs {
            add_fpm_tree(&mut input, root, &format!("{parent}/{dir}{tail}"));
        }
    }
    for ini in ["/etc/php.ini", "/usr/local/etc/php/php.ini"] {
        if under(root, ini).is_file() && !input.fpm.is_empty() {
            input.php_ini.push(PathBuf::from(ini));
        }
    }
    input
}

/// Adds the php-fpm main file of the tree at `dir` (and the php.ini beside it) when the
/// machine or `root` has one.
fn add_fpm_tree(input: &mut LintInput, root: Option<&Path>, dir: &str) {
    let conf = format!("{dir}/php-fpm.conf");
    if under(root, &conf).is_file() {
        input.fpm.push(PathBuf::from(&conf));
        let ini = format!("{dir}/php.ini");
        if under(root, &ini).is_file() {
            input.php_ini.push(PathBuf::from(ini));
        }
    }
}

/// The worker user a distribution's nginx package is built with (`--user=`), for a copy of
/// `/` whose nginx.conf has no `user` directive: Arch's `http`, FreeBSD's port `www`.
/// Told from `/etc/os-release`, else from the layout only these keep (FreeBSD's
/// `/usr/local/etc/nginx`, Arch's `/etc/php/php-fpm.conf` without a version folder); kept
/// only when the copy's `/etc/passwd`, if it has one, holds that account. `None` leaves
/// nginx's own default (`nobody`).
pub fn root_nginx_build_user(root: &Path) -> Option<String> {
    let release = std::fs::read_to_string(root.join("etc/os-release")).unwrap_or_default();
    let id = release
        .lines()
        .find_map(|l| l.strip_prefix("ID="))
        .map(|v| v.trim().trim_matches('"').to_ascii_lowercase());
    // Plesk's own nginx (sw-nginx) is built `--user=nginx` and its nginx.conf keeps
    // `#user  nginx;` commented out: its workers are `nginx`, whatever the distribution.
    let plesk = root.join("etc/nginx/plesk.conf.d").is_dir();
    let user = match id.as_deref() {
        _ if plesk => "nginx",
        Some("arch" | "archarm" | "manjaro" | "endeavouros") => "http",
        Some("freebsd") => "www",
        Some(_) => return None,
        None if root.join("usr/local/etc/nginx/nginx.conf").is_file()
            && !root.join("etc/nginx/nginx.conf").is_file() =>
        {
            "www"
        }
        None if root.join("etc/php/php-fpm.conf").is_file() => "http",
        None => return None,
    };
    match std::fs::read_to_string(root.join("etc/passwd")) {
        Ok(passwd) => passwd
            .lines()
            .any(|l| l.split(':').next() == Some(user))
            .then(|| user.to_string()),
        Err(_) => Some(user.to_string()),
    }
}

/// The nginx version a copy of `/` runs: its dpkg database's nginx package, else its
/// distribution release (`/etc/os-release`) mapped to the nginx that release ships.
pub fn root_nginx_version(root: &Path) -> Option<String> {
    if let Ok(status) = std::fs::read_to_string(root.join("var/lib/dpkg/status")) {
        for block in status.split("\n\n") {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_string()))
            };
            let package = field("Package:").unwrap_or_default();
            let installed = field("Status:").is_some_and(|s| s.ends_with("installed"));
            if installed
                && matches!(
                    package.as_str(),
                    "nginx"
                        | "nginx-common"
                        | "nginx-core"
                        | "nginx-light"
                        | "nginx-full"
                        | "nginx-extras"
                        // Plesk's own build (`1.26.2-1.ubuntu.22.04.240903.1129`).
                        | "sw-nginx"
                )
            {
                if let Some(v) = field("Version:") {
                    return major_minor(v.split(':').next_back().unwrap_or(&v));
                }
            }
        }
    }
    // nginx.org's packages (Webinoly, many guides add its apt repository) or a PPA
    // replace the release's own nginx: newer than any release maps to, whichever it is.
    if apt_sources_name_newer_nginx(root) {
        return Some("latest".to_string());
    }
    let release = std::fs::read_to_string(root.join("etc/os-release")).ok()?;
    let value = |key: &str| {
        release
            .lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim_matches('"').to_string()))
    };
    // What each release's own nginx package is (Debian, Ubuntu, Alpine).
    let by_codename = [
        ("bullseye", "1.18"),
        ("bookworm", "1.22"),
        ("trixie", "1.26"),
        ("focal", "1.18"),
        ("jammy", "1.18"),
        ("noble", "1.24"),
    ];
    if let Some(code) = value("VERSION_CODENAME=") {
        if let Some((_, v)) = by_codename.iter().find(|(c, _)| *c == code) {
            return Some((*v).to_string());
        }
    }
    if value("ID=").as_deref() == Some("alpine") {
        let alpine = [
            ("3.18", "1.24"),
            ("3.19", "1.24"),
            ("3.20", "1.26"),
            ("3.21", "1.26"),
            ("3.22", "1.28"),
        ];
        let id = value("VERSION_ID=")?;
        let short: String = id.split('.').take(2).collect::<Vec<_>>().join(".");
        return alpine
            .iter()
            .find(|(a, _)| *a == short)
            .map(|(_, v)| (*v).to_string());
    }
    None
}

/// Whether the copy's apt sources (`/etc/apt/sources.list`, `sources.list.d/*.list` and
/// `*.sources`) name nginx.org's package repository or ondrej's nginx PPA, whose nginx
/// replaces the release's own.
fn apt_sources_name_newer_nginx(root: &Path) -> bool {
    let mut files = vec![root.join("etc/apt/sources.list")];
    if let Ok(entries) = std::fs::read_dir(root.join("etc/apt/sources.list.d")) {
        let mut more: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "list" || e == "sources"))
            .collect();
        more.sort();
        files.extend(more);
    }
    files.iter().any(|f| {
        std::fs::read_to_string(f).is_ok_and(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.starts_with('#'))
                .any(|l| {
                    l.contains("nginx.org/packages")
                        || l.contains("ppa.launchpadcontent.net/ondrej/nginx")
                        || l.contains("ppa.launchpad.net/ondrej/nginx")
                })
        })
    })
}

/// Third-party modules a hosting panel compiles into its own nginx build (no
/// `load_module` names them): aaPanel's `/www/server/nginx` is configured with
/// `--add-module=` lua-nginx-module and its devel kit, ngx_cache_purge and the
/// substitutions filter, and its stock nginx.conf sets `lua_package_path`.
pub fn root_nginx_build_modules(root: &Path) -> Vec<String> {
    if root.join("www/server/nginx/conf/nginx.conf").is_file() {
        return ["lua", "ndk", "cache-purge", "subs-filter"]
            .iter()
            .map(|m| (*m).to_string())
            .collect();
    }
    Vec::new()
}

/// This machine's nginx version (`nginx -v`), when nginx is installed.
pub fn machine_nginx_version() -> Option<String> {
    let out = std::process::Command::new("nginx")
        .arg("-v")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let v = text.split("nginx/").nth(1)?;
    major_minor(v.split_whitespace().next()?)
}

fn major_minor(v: &str) -> Option<String> {
    let mut parts = v.split(['.', '-', '+', '~']);
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.parse().ok()?;
    Some(format!("{major}.{minor}"))
}

/// What a file is, judged by name first and content second.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// nginx configuration.
    Nginx,
    /// php-fpm configuration.
    Fpm,
    /// php.ini.
    PhpIni,
}

/// Recognises a file by its name and its first lines.
pub fn classify(path: &Path, text: &[u8]) -> Kind {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name == "php.ini" {
        return Kind::PhpIni;
    }
    if name == "php-fpm.conf" || name == "www.conf" {
        return Kind::Fpm;
    }
    if name == "nginx.conf" {
        return Kind::Nginx;
    }
    let text = String::from_utf8_lossy(&text[..text.len().min(64 * 1024)]);
    let mut fpm = 0;
    let mut nginx = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if (line.starts_with('[') && line.ends_with(']'))
            || (line.contains('=') && !line.ends_with(';') && !line.ends_with('{'))
        {
            fpm += 1;
        }
        if line.ends_with(';') || line.ends_with('{') || line == "}" {
            nginx += 1;
        }
    }
    if fpm > nginx {
        Kind::Fpm
    } else {
        Kind::Nginx
    }
}

/// Adds the paths given on the command line to `input`. Directories are
/// searched for nginx.conf / php-fpm.conf, or treated as a root that mirrors /.
pub fn add_paths(
    input: &mut LintInput,
    paths: &[PathBuf],
    root: Option<&Path>,
) -> Result<(), String> {
    for path in paths {
        let disk = match root {
            Some(r) if path.is_absolute() => r.join(path.strip_prefix("/").unwrap_or(path)),
            _ => path.clone(),
        };
        if disk.is_dir() {
            if disk.join("nginx.conf").is_file() {
                input.nginx.push(NginxInput::File(path.join("nginx.conf")));
            }
            if disk.join("php-fpm.conf").is_file() {
                input.fpm.push(path.join("php-fpm.conf"));
            }
            if disk.join("etc").is_dir() && root.is_none() {
                let found = discover(Some(&disk));
                // A Debian-like copy without main files is read through the packages' own
                // (added with the stock files, see `Linter::build_input`).
                let packaged = deployment::container_fs::RootWithStock::debian(&disk).is_some();
                if found.nginx.is_empty() && found.fpm.is_empty() && !packaged {
                    return Err(format!(
                        "{}: no nginx.conf or php-fpm.conf found in it",
                        path.display()
                    ));
                }
                input.options.root = Some(disk.clone());
                input.nginx.extend(found.nginx);
                input.fpm.extend(found.fpm);
                input.php_ini.extend(found.php_ini);
            }
            continue;
        }
        let text = std::fs::read(&disk).map_err(|e| format!("{}: {e}", path.display()))?;
        match classify(path, &text) {
            Kind::Nginx => input.nginx.push(NginxInput::File(path.clone())),
            Kind::Fpm => input.fpm.push(path.clone()),
            Kind::PhpIni => input.php_ini.push(path.clone()),
        }
    }
    Ok(())
}

/// The absolute `include=`s of a php-fpm.conf given with `--fpm` from a saved copy of a
/// machine (no `--root`): `include=/etc/php/8.2/fpm/pool.d/*.conf` names the folder as
/// the saved machine had it. The copy is recognised by the file's folder ending with the
/// include's leading folders (`/saved/etc/php/8.2/fpm` and `/etc/php/8.2/fpm/pool.d`):
/// each is (the value, the copy's root, the folder listed, whether this machine has it,
/// whether the copy has it).
fn copied_fpm_includes(file: &Path) -> Vec<(String, PathBuf, PathBuf, bool, bool)> {
    let mut out = Vec::new();
    let Some(dir) = file.parent() else {
        return out;
    };
    let small = std::fs::metadata(file).is_ok_and(|m| m.len() <= lint_source::vfs::MAX_FILE);
    let Some(text) = small.then(|| std::fs::read_to_string(file).ok()).flatten() else {
        return out;
    };
    for line in text.lines().map(str::trim) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "include" {
            continue;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if !value.starts_with('/') || value.contains('$') {
            continue;
        }
        let Some(copy) = copy_root(dir, Path::new(value)) else {
            continue;
        };
        // The folder the pattern lists (its wildcards are in the last part).
        let listed = Path::new(value).parent().unwrap_or(Path::new("/"));
        let in_copy = copy.join(listed.strip_prefix("/").unwrap_or(listed));
        out.push((
            value.to_string(),
            copy,
            listed.to_path_buf(),
            listed.is_dir(),
            in_copy.is_dir(),
        ));
    }
    out
}

/// The saved copy of `/` the `--fpm` files are read in, when each of them is a saved
/// copy's php-fpm.conf whose absolute includes the copy holds, all in one copy: read
/// there, as `--root COPY` would read them, rather than from this machine's folders.
pub fn fpm_copy_root(fpm_files: &[PathBuf]) -> Option<PathBuf> {
    let mut root: Option<PathBuf> = None;
    for file in fpm_files {
        let found = copied_fpm_includes(file);
        let copy = found.first().map(|f| f.1.clone())?;
        if !found.iter().all(|f| f.1 == copy && f.4) || root.as_ref().is_some_and(|r| *r != copy) {
            return None;
        }
        root = Some(copy);
    }
    root
}

/// Notes for `--fpm` files of a saved copy (see [`fpm_copy_root`]): which pools were read.
pub fn copied_fpm_include_notes(fpm_files: &[PathBuf], copy_read: bool) -> Vec<String> {
    let mut notes = Vec::new();
    for file in fpm_files {
        for (value, copy, listed, here, there) in copied_fpm_includes(file) {
            let in_copy = copy.join(listed.strip_prefix("/").unwrap_or(&listed));
            let read = match (copy_read, here, there) {
                (true, _, _) => format!("read in the copy, {}", in_copy.display()),
                (false, true, true) => format!(
                    "this machine's {} is read, not the copy's {}",
                    listed.display(),
                    in_copy.display()
                ),
                (false, true, false) => format!(
                    "this machine's {} is read (the copy has no {})",
                    listed.display(),
                    in_copy.display()
                ),
                (false, false, _) => continue,
            };
            notes.push(format!(
                "{}: `include={value}` names a folder of the machine it was saved from: {read}; give --root {} to read the copy as that machine",
                file.display(),
                copy.display()
            ));
        }
    }
    notes
}

/// The folder a saved copy of `/` is at, when `dir` (a file's folder in the copy) ends
/// with the first folders of `include` (an absolute path of the saved machine), at least
/// two of them: `/saved/etc/php/8.2/fpm` and `/etc/php/8.2/fpm/pool.d/*.conf` give
/// `/saved`. `None` for a file at its own place (`/etc/php/8.2/fpm`).
fn copy_root(dir: &Path, include: &Path) -> Option<PathBuf> {
    let dir: Vec<_> = dir.components().collect();
    let inc: Vec<_> = include.components().skip(1).collect();
    for len in (2..=inc.len().min(dir.len())).rev() {
        if dir[dir.len() - len..] == inc[..len] {
            let root: PathBuf = dir[..dir.len() - len].iter().collect();
            return (root.components().count() > 1).then_some(root);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_when_the_name_does_not() {
        assert_eq!(
            classify(Path::new("x.conf"), b"[www]\nlisten = 9000\npm = static\n"),
            Kind::Fpm
        );
        assert_eq!(
            classify(Path::new("x.conf"), b"server {\n listen 80;\n}\n"),
            Kind::Nginx
        );
        assert_eq!(
            classify(Path::new("/etc/php/8.2/fpm/php.ini"), b""),
            Kind::PhpIni
        );
    }

    #[test]
    fn a_root_says_which_nginx_it_runs() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("etc")).expect("mkdir");
        std::fs::write(
            dir.path().join("etc/os-release"),
            "ID=debian\nVERSION_CODENAME=trixie\n",
        )
        .expect("write");
        assert_eq!(root_nginx_version(dir.path()).as_deref(), Some("1.26"));
        std::fs::create_dir_all(dir.path().join("var/lib/dpkg")).expect("mkdir");
        std::fs::write(
            dir.path().join("var/lib/dpkg/status"),
            "Package: nginx-common\nStatus: install ok installed\nVersion: 1.22.1-9+deb12u11\n\nPackage: x\n",
        )
        .expect("write");
        assert_eq!(root_nginx_version(dir.path()).as_deref(), Some("1.22"));
    }

    /// aaPanel / BT Panel's layout: its own nginx build and one php-fpm per version.
    #[test]
    fn discovers_the_aapanel_layout() {
        let dir = tempfile::tempdir().expect("tmp");
        for (path, text) in [
            ("www/server/nginx/conf/nginx.conf", "events {}\n"),
            ("www/server/php/74/etc/php-fpm.conf", "[www]\n"),
            ("www/server/php/82/etc/php-fpm.conf", "[www]\n"),
            ("www/server/php/82/etc/php.ini", ""),
        ] {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        }
        let input = discover(Some(dir.path()));
        assert_eq!(
            input.nginx,
            [NginxInput::File("/www/server/nginx/conf/nginx.conf".into())]
        );
        assert_eq!(
            input.fpm,
            [
                PathBuf::from("/www/server/php/74/etc/php-fpm.conf"),
                PathBuf::from("/www/server/php/82/etc/php-fpm.conf")
            ]
        );
        assert_eq!(
            input.php_ini,
            [PathBuf::from("/www/server/php/82/etc/php.ini")]
        );
    }

    /// Plesk's nginx.conf leaves `#user  nginx;` commented out: its sw-nginx build runs
    /// as `nginx`; its version is the sw-nginx package's.
    #[test]
    fn a_plesk_root_runs_nginx_as_its_build_user() {
        let dir = tempfile::tempdir().expect("tmp");
        for (path, text) in [
            ("etc/nginx/plesk.conf.d/server.conf", ""),
            ("etc/os-release", "ID=ubuntu\nVERSION_CODENAME=jammy\n"),
            ("etc/passwd", "root:x:0:0::/root:/bin/sh\nnginx:x:998:998::/:/bin/false\n"),
            (
                "var/lib/dpkg/status",
                "Package: sw-nginx\nStatus: install ok installed\nVersion: 1.26.2-1.ubuntu.22.04.240903.1129\n",
            ),
        ] {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        }
        assert_eq!(root_nginx_build_user(dir.path()).as_deref(), Some("nginx"));
        assert_eq!(root_nginx_version(dir.path()).as_deref(), Some("1.26"));
        // Without Plesk's folder, Ubuntu's nginx keeps nginx's own default.
        std::fs::remove_dir_all(dir.path().join("etc/nginx/plesk.conf.d")).expect("rm");
        assert_eq!(root_nginx_build_user(dir.path()), None);
    }

    /// nginx.org's apt repository replaces the release's nginx (Webinoly adds it): the
    /// version is not the one the release ships.
    #[test]
    fn nginx_org_packages_are_newer_than_the_release() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(dir.path().join("etc/apt/sources.list.d")).expect("mkdir");
        std::fs::write(
            dir.path().join("etc/os-release"),
            "ID=ubuntu\nVERSION_CODENAME=noble\n",
        )
        .expect("write");
        assert_eq!(root_nginx_version(dir.path()).as_deref(), Some("1.24"));
        // A commented line names nothing.
        std::fs::write(
            dir.path().join("etc/apt/sources.list.d/nginx.list"),
            "# deb https://nginx.org/packages/mainline/ubuntu/ noble nginx\n",
        )
        .expect("write");
        assert_eq!(root_nginx_version(dir.path()).as_deref(), Some("1.24"));
        std::fs::write(
            dir.path().join("etc/apt/sources.list.d/nginx.list"),
            "deb [signed-by=/usr/share/keyrings/nginx-archive-keyring.gpg] https://nginx.org/packages/mainline/ubuntu/ noble nginx\n",
        )
        .expect("write");
        assert_eq!(root_nginx_version(dir.path()).as_deref(), Some("latest"));
    }

    /// aaPanel compiles lua (and ndk, cache-purge, subs-filter) into its nginx.
    #[test]
    fn aapanel_nginx_has_its_modules_built_in() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(root_nginx_build_modules(dir.path()).is_empty());
        let conf = dir.path().join("www/server/nginx/conf/nginx.conf");
        std::fs::create_dir_all(conf.parent().expect("parent")).expect("mkdir");
        std::fs::write(conf, "events {}\n").expect("write");
        assert!(root_nginx_build_modules(dir.path()).contains(&"lua".to_string()));
    }

    #[test]
    fn discovers_the_example_tree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/example");
        let input = discover(Some(&root));
        assert_eq!(
            input.nginx,
            [NginxInput::File("/etc/nginx/nginx.conf".into())]
        );
        assert_eq!(input.fpm, [PathBuf::from("/etc/php/8.2/fpm/php-fpm.conf")]);
        assert_eq!(input.php_ini, [PathBuf::from("/etc/php/8.2/fpm/php.ini")]);
    }

    /// A jessie or trusty server: php5-fpm keeps its tree in /etc/php5/fpm.
    #[test]
    fn discovers_the_php5_layout() {
        let dir = tempfile::tempdir().expect("tmp");
        let fpm = dir.path().join("etc/php5/fpm");
        std::fs::create_dir_all(&fpm).expect("mkdir");
        std::fs::write(fpm.join("php-fpm.conf"), "[global]\n").expect("write");
        std::fs::write(fpm.join("php.ini"), "").expect("write");
        let input = discover(Some(dir.path()));
        assert_eq!(input.fpm, [PathBuf::from("/etc/php5/fpm/php-fpm.conf")]);
        assert_eq!(input.php_ini, [PathBuf::from("/etc/php5/fpm/php.ini")]);
    }
}
