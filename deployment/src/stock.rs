//! The files that images and distribution packages put in place before a
//! repository adds its own: versioned data, each set with its source.
//!
//! A deployment that does not provide `fastcgi_params` or the `[www]` pool still
//! runs with the image's; linting without them would report missing includes and
//! pools that are really there. The bytes live in `deployment/stock/` and are
//! embedded at build time; `tests/stock.rs` compares the Debian sets with the
//! installed packages where the machine has them.

/// One stock file: its absolute path in the image, its bytes.
pub type StockFile = (&'static str, &'static [u8]);

macro_rules! stock_files {
    ($dir:literal: $($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../stock/", $dir, $path)))),*]
    };
}

/// A set of stock files (one image, or one distribution package set).
#[derive(Debug)]
pub struct StockSet {
    /// Short name (`nginx-official`).
    pub name: &'static str,
    /// Where the files come from (package and version, or repository and commit).
    pub source: &'static str,
    /// The files.
    pub files: &'static [StockFile],
    /// Symbolic links the package creates (link path, target).
    pub links: &'static [(&'static str, &'static str)],
    /// Directories whose whole content the set lists: a missing file there is missing.
    pub complete_dirs: &'static [&'static str],
}

/// The official `nginx` image (Debian variant), nginx/pkg-oss 1.28.3-1 / 1.29.8-1.
pub static NGINX_OFFICIAL: StockSet = StockSet {
    name: "nginx-official",
    source: "nginx/pkg-oss 1.29.8-1 debian/debian/{nginx.conf,nginx.default.conf}; nginx/nginx conf/{fastcgi_params,mime.types,scgi_params,uwsgi_params}",
    files: stock_files!("nginx-official":
        "/etc/nginx/nginx.conf",
        "/etc/nginx/conf.d/default.conf",
        "/etc/nginx/fastcgi_params",
        "/etc/nginx/mime.types",
        "/etc/nginx/scgi_params",
        "/etc/nginx/uwsgi_params",
        "/usr/share/nginx/html/index.html",
    ),
    links: &[],
    complete_dirs: &["/etc/nginx"],
};

/// What the Alpine variants of the official image add: `fastcgi.conf` (nginx's `make install`).
pub static NGINX_OFFICIAL_ALPINE: StockSet = StockSet {
    name: "nginx-official-alpine",
    source: "nginx/pkg-oss alpine/APKBUILD-base.in (make install keeps fastcgi.conf); nginx/nginx conf/fastcgi.conf",
    files: stock_files!("nginx-official-alpine": "/etc/nginx/fastcgi.conf"),
    links: &[],
    complete_dirs: &[],
};

/// nginx's own `conf/` files, where `make install` puts them beside nginx.conf
/// (`--prefix=/usr/local/nginx`); packages of other layouts install the same files beside
/// their nginx.conf (moved there: `/etc/nginx`, `/usr/local/etc/nginx`).
pub static NGINX_CONF: StockSet = StockSet {
    name: "nginx-conf",
    source: "nginx/nginx conf/{fastcgi.conf,fastcgi_params,mime.types,scgi_params,uwsgi_params} (auto/install)",
    files: stock_files!("nginx-conf":
        "/usr/local/nginx/conf/fastcgi.conf",
        "/usr/local/nginx/conf/fastcgi_params",
        "/usr/local/nginx/conf/mime.types",
        "/usr/local/nginx/conf/scgi_params",
        "/usr/local/nginx/conf/uwsgi_params",
    ),
    links: &[],
    complete_dirs: &[],
};

/// Debian bookworm's nginx (nginx-common 1.22.1-9+deb12u11), conffiles as installed.
pub static DEBIAN_NGINX: StockSet = StockSet {
    name: "debian-nginx",
    source: "Debian 12 nginx-common 1.22.1-9+deb12u11 (conffiles, dpkg -V clean)",
    files: stock_files!("debian-nginx":
        "/etc/nginx/nginx.conf",
        "/etc/nginx/fastcgi.conf",
        "/etc/nginx/fastcgi_params",
        "/etc/nginx/proxy_params",
        "/etc/nginx/scgi_params",
        "/etc/nginx/uwsgi_params",
        "/etc/nginx/mime.types",
        "/etc/nginx/snippets/fastcgi-php.conf",
        "/etc/nginx/snippets/snakeoil.conf",
        "/etc/nginx/sites-available/default",
        "/usr/share/nginx/html/index.html",
        "/var/www/html/index.nginx-debian.html",
    ),
    links: &[(
        "/etc/nginx/sites-enabled/default",
        "/etc/nginx/sites-available/default",
    )],
    complete_dirs: &["/etc/nginx", "/etc/nginx/snippets"],
};

/// What Debian's and Ubuntu's nginx packages before nginx-common 1.6.1-2 (Debian 7's 1.2,
/// Ubuntu 14.04's 1.4) put in place of the files above: their `fastcgi_params` declared
/// `SCRIPT_FILENAME $request_filename` (1.6.1-2's NEWS: "fastcgi_params ... removed
/// SCRIPT_FILENAME"). Layered over `DEBIAN_NGINX` for those releases.
pub static DEBIAN_NGINX_1_4: StockSet = StockSet {
    name: "debian-nginx-1.4",
    source: "Debian nginx-common before 1.6.1-2 (wheezy 1.2.1, Ubuntu trusty 1.4.6): fastcgi_params with Debian's SCRIPT_FILENAME line",
    files: stock_files!("debian-nginx-1.4": "/etc/nginx/fastcgi_params"),
    links: &[],
    complete_dirs: &[],
};

/// Debian bookworm's php8.2-fpm (8.2.36-1~deb12u1).
pub static DEBIAN_PHP82: StockSet = StockSet {
    name: "debian-php8.2-fpm",
    source: "Debian 12 php8.2-fpm 8.2.36-1~deb12u1 (conffiles, dpkg -V clean; php.ini from php.ini-production)",
    files: stock_files!("debian-php82":
        "/etc/php/8.2/fpm/php-fpm.conf",
        "/etc/php/8.2/fpm/pool.d/www.conf",
        "/etc/php/8.2/fpm/php.ini",
    ),
    links: &[],
    complete_dirs: &[],
};

/// RHEL's (and Fedora's, Amazon Linux's) php-fpm package: its main file, which includes
/// `/etc/php-fpm.d/*.conf`.
pub static RHEL_PHP_FPM: StockSet = StockSet {
    name: "rhel-php-fpm",
    source: "RHEL/Fedora php-fpm package /etc/php-fpm.conf (active lines, as docs.rockylinux.org prints them)",
    files: stock_files!("rhel-php-fpm": "/etc/php-fpm.conf"),
    links: &[],
    complete_dirs: &[],
};

/// FreeBSD's php ports: `/usr/local/etc/php-fpm.conf`, which includes
/// `/usr/local/etc/php-fpm.d/*.conf`.
pub static FREEBSD_PHP_FPM: StockSet = StockSet {
    name: "freebsd-php-fpm",
    source:
        "FreeBSD lang/php8x /usr/local/etc/php-fpm.conf (php-src php-fpm.conf.in, active lines)",
    files: stock_files!("freebsd-php-fpm": "/usr/local/etc/php-fpm.conf"),
    links: &[],
    complete_dirs: &[],
};

/// The official `php:*-fpm` images (docker-library/php 445bf41, 2026-07-30: 8.2–8.5).
pub static PHP_OFFICIAL: StockSet = StockSet {
    name: "php-official-fpm",
    source: "docker-library/php 445bf41 (2026-07-30) Dockerfile-linux.template; php-src sapi/fpm/{php-fpm.conf.in,www.conf.in}",
    files: stock_files!("php-official":
        "/usr/local/etc/php-fpm.conf",
        "/usr/local/etc/php-fpm.d/www.conf",
        "/usr/local/etc/php-fpm.d/docker.conf",
        "/usr/local/etc/php-fpm.d/zz-docker.conf",
        "/usr/local/etc/php/conf.d/docker-fpm.ini",
    ),
    links: &[],
    complete_dirs: &[],
};

/// The official `php:*-fpm` images as built before docker-library/php f26909c
/// (2026-01-09): `www.conf` keeps `listen = 127.0.0.1:9000` and `zz-docker.conf`, read
/// last, sets `[www] listen = 9000`, which overrides a `listen` in any earlier
/// `php-fpm.d/*.conf` (`www.conf` included). Every PHP 5.x–8.1 image and the patch
/// releases up to 8.2.30, 8.3.29, 8.4.16 and 8.5.1 have this layout.
pub static PHP_OFFICIAL_2025: StockSet = StockSet {
    name: "php-official-fpm (before 2026)",
    source: "docker-library/php f26909c^ (2026-01-09) Dockerfile-linux.template; f26909c limits the new layout to releases after 8.2.30, 8.3.29, 8.4.16, 8.5.1",
    files: stock_files!("php-official-2025":
        "/usr/local/etc/php-fpm.conf",
        "/usr/local/etc/php-fpm.d/www.conf",
        "/usr/local/etc/php-fpm.d/docker.conf",
        "/usr/local/etc/php-fpm.d/zz-docker.conf",
        "/usr/local/etc/php/conf.d/docker-fpm.ini",
    ),
    links: &[],
    complete_dirs: &[],
};

/// The php-fpm layout of an official `php` image tag: the 2025 one for PHP 5.x–8.1 and
/// for pinned patch releases before docker-library/php f26909c, else today's (moving
/// tags such as `8.3-fpm` or `fpm` are rebuilt with the current template).
pub fn php_official_layout(tag: &str) -> &'static StockSet {
    let head = tag.split('-').next().unwrap_or(tag);
    let mut parts = head.split('.').map(|p| p.parse::<u32>().ok());
    let (Some(Some(major)), minor, patch) = (parts.next(), parts.next(), parts.next()) else {
        return &PHP_OFFICIAL;
    };
    let minor = minor.flatten();
    let patch = patch.flatten();
    // The last release of each branch built with the old layout (f26909c's list).
    let last_old = |minor: u32| match minor {
        2 => Some(30),
        3 => Some(29),
        4 => Some(16),
        5 => Some(1),
        _ => None,
    };
    let old = match (major, minor, patch) {
        (0..=7, _, _) => true,
        (8, Some(0 | 1), _) => true,
        (8, Some(m), Some(p)) => last_old(m).is_some_and(|last| p <= last),
        _ => false,
    };
    if old {
        &PHP_OFFICIAL_2025
    } else {
        &PHP_OFFICIAL
    }
}

/// Alpine's own nginx package (aports main/nginx 24e9a16).
pub static ALPINE_NGINX: StockSet = StockSet {
    name: "alpine-nginx",
    source:
        "alpinelinux/aports main/nginx/nginx.conf @ 24e9a16; nginx/nginx conf/ for the params files",
    files: stock_files!("alpine-nginx":
        "/etc/nginx/nginx.conf",
        "/etc/nginx/fastcgi.conf",
        "/etc/nginx/fastcgi_params",
        "/etc/nginx/mime.types",
        "/etc/nginx/scgi_params",
        "/etc/nginx/uwsgi_params",
    ),
    links: &[],
    complete_dirs: &["/etc/nginx"],
};

/// Alpine's php83-fpm package (aports community/php83 aa673e8).
pub static ALPINE_PHP83: StockSet = StockSet {
    name: "alpine-php83-fpm",
    source: "alpinelinux/aports community/php83 @ aa673e8 (upstream php-fpm.conf.default / www.conf.default)",
    files: stock_files!("alpine-php83":
        "/etc/php83/php-fpm.conf",
        "/etc/php83/php-fpm.d/www.conf",
    ),
    links: &[],
    complete_dirs: &[],
};

/// phpdocker.io's php images (`phpdockerio/php:8.2-fpm`, `phpdockerio/php74-fpm`): Ubuntu
/// with ondrej's `phpX.Y-fpm` package, and a pool file of their own on top.
pub static PHPDOCKERIO: StockSet = StockSet {
    name: "phpdockerio-fpm",
    source: "phpdocker-io/base-images (php/8.2/Dockerfile 1d096a7, overrides.conf 110dfc5): Ubuntu jammy + ondrej php8.2-fpm, overrides.conf as pool.d/z-overrides.conf",
    files: stock_files!("phpdockerio":
        "/etc/php/8.2/fpm/pool.d/z-overrides.conf",
    ),
    links: &[],
    complete_dirs: &[],
};

/// What runs in a container, as far as the files can tell.
#[derive(Clone, Debug, Default)]
pub struct Image {
    /// The nginx stock set, when the image carries nginx.
    pub nginx: Option<&'static StockSet>,
    /// A second nginx set layered on the first (the Alpine variant's `fastcgi.conf`).
    pub nginx_extra: Option<&'static StockSet>,
    /// The php-fpm stock set, when the image carries php-fpm.
    pub fpm: Option<&'static StockSet>,
    /// A second php-fpm set layered on the first (phpdocker.io's `z-overrides.conf` over
    /// Ubuntu's package).
    pub fpm_extra: Option<&'static StockSet>,
    /// nginx's main file and php-fpm's, where the image keeps them.
    pub nginx_main: Option<&'static str>,
    /// php-fpm's main file (Alpine's depends on the package's version: `/etc/php7`).
    pub fpm_main: Option<String>,
    /// The nginx worker user.
    pub nginx_user: Option<&'static str>,
    /// `passwd` lines of the image's accounts that matter here.
    pub passwd: &'static str,
    /// `group` lines.
    pub group: &'static str,
    /// The nginx version the tag names (`1.25`), when it names one.
    pub nginx_version: Option<String>,
    /// Stock paths moved in this image: (from, to) prefixes (Alpine's `/etc/php83` as
    /// `/etc/php85` when the image installs php85).
    pub moves: Vec<(String, String)>,
    /// Third-party nginx modules built into the image (OpenResty's Lua).
    pub modules: &'static [&'static str],
    /// Where the image's own nginx.conf (not known here) includes sites from, when not
    /// `/etc/nginx/conf.d`: Bitnami's `/opt/bitnami/nginx/conf/server_blocks`.
    pub nginx_sites_dir: Option<&'static str>,
}

const DEBIAN_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
const DEBIAN_GROUP: &str = "root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n";
const NGINX_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n";
const NGINX_GROUP: &str = "root:x:0:\nwww-data:x:33:\nnginx:x:101:\n";
const ALPINE_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\nwww-data:x:82:82:Linux User,,,:/home/www-data:/sbin/nologin\nnginx:x:101:101:nginx:/var/lib/nginx:/sbin/nologin\n";
const ALPINE_GROUP: &str = "root:x:0:root\nnobody:x:65534:\nwww-data:x:82:\nnginx:x:101:nginx\n";
/// Alpine's own nginx package adds its `nginx` user to `www-data` (aports
/// `main/nginx/nginx.pre-install`: `addgroup -Sg 82 www-data`, `addgroup nginx www-data`):
/// `php:8-fpm-alpine` + `apk add nginx` reaches a `www-data` socket of mode 0660
/// (burningmantech/docker-php-nginx; the false X003 said it could not). nginx.org's
/// package in the official image does not (its pre-install adds the membership only when
/// it creates the user, and the image makes uid 101 first).
const ALPINE_NGINX_PACKAGE_GROUP: &str =
    "root:x:0:root\nnobody:x:65534:\nwww-data:x:82:nginx\nnginx:x:101:nginx\n";
/// The official nginx image's Alpine variant: Alpine's base has a `www-data` group but no
/// such user (the php image adds one; this one adds only `nginx`): `user www-data;` stops
/// nginx with `getpwnam("www-data") failed` (laradock's issue 2173).
const NGINX_ALPINE_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\nnginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin\n";
const FREEBSD_PASSWD: &str = "root:*:0:0:Charlie &:/root:/bin/sh\nwww:*:80:80:World Wide Web Owner:/nonexistent:/usr/sbin/nologin\nnobody:*:65534:65534:Unprivileged user:/nonexistent:/usr/sbin/nologin\n";
const FREEBSD_GROUP: &str = "wheel:*:0:root\nwww:*:80:\nnogroup:*:65533:\nnobody:*:65534:\n";

/// nginx versions of the official image's moving tags (docker-library/docs, 2026-08-19).
const NGINX_MAINLINE: &str = "1.31";
const NGINX_STABLE: &str = "1.30";

/// The stock files of an image reference (`nginx:1.25-alpine`, `php:8.3-fpm`,
/// `debian:bookworm`), or nothing for images this data does not know.
pub fn image(reference: &str) -> Image {
    let (repo, tag) = repo_and_tag(reference);
    let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
    let owner_library = official_library(repo);
    let tag = tag.to_ascii_lowercase();
    let alpine = tag.contains("alpine");
    // nginx's own rootless variant (Docker Hub and ghcr.io): the official image's
    // Dockerfiles and packages with `sed` edits (listen 8080, pid and temp paths in /tmp,
    // no `user`, USER 101 = nginx); its stock files are the official ones.
    let unprivileged = name == "nginx-unprivileged" && repo.contains("nginxinc/");
    let mut image = match name.as_str() {
        _ if unprivileged => Image {
            nginx_user: Some("nginx"),
            ..image(&format!("nginx:{tag}"))
        },
        "nginx" if owner_library => Image {
            nginx: Some(&NGINX_OFFICIAL),
            nginx_extra: alpine.then_some(&NGINX_OFFICIAL_ALPINE),
            nginx_main: Some("/etc/nginx/nginx.conf"),
            nginx_user: Some("nginx"),
            passwd: if alpine {
                NGINX_ALPINE_PASSWD
            } else {
                NGINX_PASSWD
            },
            group: if alpine { ALPINE_GROUP } else { NGINX_GROUP },
            nginx_version: nginx_tag_version(&tag),
            ..Image::default()
        },
        "php" | "wordpress" | "drupal" | "joomla" | "nextcloud" | "matomo" | "mediawiki"
            if owner_library && tag.contains("fpm") =>
        {
            Image {
                // The applications' tags name their own versions, not PHP's: they are
                // rebuilt on the current php images.
                fpm: Some(if name == "php" {
                    php_official_layout(&tag)
                } else {
                    &PHP_OFFICIAL
                }),
                fpm_main: Some("/usr/local/etc/php-fpm.conf".into()),
                passwd: if alpine { ALPINE_PASSWD } else { DEBIAN_PASSWD },
                group: if alpine { ALPINE_GROUP } else { DEBIAN_GROUP },
                ..Image::default()
            }
        }
        // Bitnami's nginx (`bitnami/nginx`, `docker.io/bitnami/nginx`): its own build
        // under /opt/bitnami/nginx, running as uid 1001; its nginx.conf includes
        // `server_blocks/*.conf` inside `http` (files not carried here).
        "nginx" if repo.contains("bitnami/") => Image {
            nginx: Some(&BITNAMI_NGINX),
            nginx_main: Some("/opt/bitnami/nginx/conf/nginx.conf"),
            nginx_sites_dir: Some("/opt/bitnami/nginx/conf/server_blocks"),
            passwd: DEBIAN_PASSWD,
            group: DEBIAN_GROUP,
            ..Image::default()
        },
        // Bitnami's php-fpm (`bitnami/php-fpm`): its own build under /opt/bitnami/php,
        // whose php-fpm.conf includes `php-fpm.d/*.conf` (files not carried here). It was
        // taken for the official image, and pools mounted in its php-fpm.d never read.
        _ if repo.contains("bitnami/") && name.contains("fpm") => Image {
            fpm: Some(&BITNAMI_PHP_FPM),
            fpm_main: Some("/opt/bitnami/php/etc/php-fpm.conf".into()),
            passwd: DEBIAN_PASSWD,
            group: DEBIAN_GROUP,
            ..Image::default()
        },
        "openresty" => Image {
            nginx: Some(&OPENRESTY),
            nginx_main: Some("/usr/local/openresty/nginx/conf/nginx.conf"),
            // The modules OpenResty's bundle builds by default (openresty.org's
            // components list) that the catalogue knows.
            modules: &[
                "lua",
                "ndk",
                "headers-more",
                "set-misc",
                "echo",
                "memc",
                "srcache",
                "redis2",
                "redis",
            ],
            nginx_user: Some("nobody"),
            passwd: DEBIAN_PASSWD,
            group: DEBIAN_GROUP,
            ..Image::default()
        },
        // phpdocker.io's images: the Debian/Ubuntu package layout of their PHP version
        // (`/etc/php/8.2/fpm`), not the official image's (cwbit/cakephp-docker mounts its
        // overrides at /etc/php/7.4/fpm/conf.d/99-overrides.ini).
        _ if repo.contains("phpdockerio/") && (name.contains("fpm") || tag.contains("fpm")) => {
            let digits =
                |t: &str| -> String { t.chars().take_while(char::is_ascii_digit).collect() };
            let version = match name
                .strip_prefix("php")
                .map(digits)
                .filter(|d| d.len() >= 2)
            {
                // `php74-fpm`
                Some(d) => format!("{}.{}", &d[..1], &d[1..]),
                // `php:8.2-fpm`
                None => tag.split('-').next().unwrap_or("").to_string(),
            };
            let version = if crate::dockerfile::is_php_version(&version) {
                version
            } else {
                "8.2".to_string()
            };
            Image {
                fpm_extra: Some(&PHPDOCKERIO),
                ..debian_packages(false, true, &version)
            }
        }
        // Any other image whose name or tag says fpm (`laradock/php-fpm`,
        // `mautic/mautic:5-fpm`, `monica:fpm`) is most likely built on the official php-fpm
        // image: its layout is assumed, and `assumption` says so in a note.
        // A Prometheus exporter of php-fpm's status (`hipages/php-fpm_exporter`) is a
        // sidecar that talks to php-fpm: it runs none.
        _ if name.contains("exporter") => Image::default(),
        // An nginx image named for the php-fpm it fronts (`tobybatch/nginx-fpm-reverse-proxy`,
        // kimai's) runs nginx, not php-fpm; `nginx-php-fpm` images run both and keep the
        // fpm layout.
        _ if fronts_fpm(&name) => Image::default(),
        _ if name.contains("fpm") || tag.contains("fpm") => Image {
            fpm: Some(&PHP_OFFICIAL),
            fpm_main: Some("/usr/local/etc/php-fpm.conf".into()),
            passwd: if alpine { ALPINE_PASSWD } else { DEBIAN_PASSWD },
            group: if alpine { ALPINE_GROUP } else { DEBIAN_GROUP },
            ..Image::default()
        },
        _ => Image::default(),
    };
    if image.modules.is_empty() && !owner_library {
        image.modules = named_modules(&name);
    }
    image
}

/// Third-party modules an nginx image is named for, as the catalogue names them: such an
/// image exists to build them in (`fholzer/nginx-brotli`, whose own nginx.conf uses
/// `brotli on;` with no `load_module`; `alfg/nginx-rtmp`). typo3-docker-hosting builds
/// `FROM fholzer/nginx-brotli` with its own nginx.conf: four false NGX010 on `brotli*`.
/// `name` is lower-case.
fn named_modules(name: &str) -> &'static [&'static str] {
    const NAMED: &[(&str, &[&str])] = &[
        ("brotli", &["brotli"]),
        ("headers-more", &["headers-more"]),
        ("geoip2", &["geoip2"]),
        ("rtmp", &["rtmp"]),
        ("vts", &["vts"]),
        ("modsecurity", &["modsecurity"]),
        ("lua", &["lua", "ndk"]),
    ];
    // Whole words only: `nginx-lua`, `docker-nginx-brotli`, not `nginx-valuable`.
    let words: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let words = format!("-{words}-");
    if !words.contains("-nginx-") {
        return &[];
    }
    NAMED
        .iter()
        .find(|(word, _)| words.contains(&format!("-{word}-")))
        .map_or(&[], |(_, modules)| *modules)
}

/// An nginx image named for the php-fpm it fronts (`tobybatch/nginx-fpm-reverse-proxy`):
/// it runs nginx only. `nginx-php-fpm` images run both. `name` is lower-case.
pub(crate) fn fronts_fpm(name: &str) -> bool {
    name.contains("nginx") && !name.contains("php")
}

/// The `ENV` an image's own Dockerfile sets that a repository's Dockerfile built on it
/// uses (`COPY php.ini $PHP_INI_DIR/conf.d/`): the official php images' `PHP_INI_DIR`.
pub fn image_env(reference: &str) -> Vec<(&'static str, &'static str)> {
    let image = image(reference);
    let official_php = image
        .fpm
        .is_some_and(|s| std::ptr::eq(s, &PHP_OFFICIAL) || std::ptr::eq(s, &PHP_OFFICIAL_2025));
    if official_php {
        vec![("PHP_INI_DIR", "/usr/local/etc/php")]
    } else {
        Vec::new()
    }
}

/// Whether an image repository is one of Docker Hub's official images: `nginx`,
/// `library/nginx`, and the same behind Docker Hub's registry names (`docker.io/nginx`,
/// `docker.io/library/nginx`, `index.docker.io/...`, `registry-1.docker.io/...`).
/// An image reference's repository and tag, its digest dropped
/// (`docker.io/library/nginx:1.25@sha256:...` is `docker.io/library/nginx` and `1.25`;
/// no tag is `latest`).
fn repo_and_tag(reference: &str) -> (&str, &str) {
    let reference = reference.trim();
    let without_digest = reference.split('@').next().unwrap_or(reference);
    match without_digest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (without_digest, "latest"),
    }
}

/// The name and tag (lower case) of an official library image (`php:8.3-fpm`,
/// `docker.io/library/debian:bookworm`); `None` for anyone else's (`bitnami/php-fpm`).
pub(crate) fn official_name_and_tag(reference: &str) -> Option<(String, String)> {
    let (repo, tag) = repo_and_tag(reference);
    official_library(repo).then(|| {
        let name = repo.rsplit('/').next().unwrap_or(repo);
        (name.to_ascii_lowercase(), tag.to_ascii_lowercase())
    })
}

fn official_library(repo: &str) -> bool {
    let repo = [
        "docker.io/",
        "index.docker.io/",
        "registry-1.docker.io/",
        "registry.hub.docker.com/",
    ]
    .iter()
    .find_map(|registry| repo.strip_prefix(registry))
    .unwrap_or(repo);
    !repo.contains('/') || repo.starts_with("library/")
}

/// Whether an image's php-fpm files are only guessed: an all-in-one nginx + php-fpm image
/// of no known maker, taken to keep the official php image's files (`wyveo/nginx-php-fpm`
/// is Debian with Sury's package and its pool on a unix socket). What rests on those
/// files is not a claim (see [`assumption`] for the note). An application's own image
/// (`kimai/kimai2:fpm`) is most often built on the official one, and stays a claim.
pub fn fpm_layout_guessed(reference: &str) -> bool {
    let repo = reference.split([':', '@']).next().unwrap_or(reference);
    let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
    name.contains("nginx") && assumption(reference).is_some() && {
        let modelled = image(reference);
        modelled
            .fpm
            .is_some_and(|set| !std::ptr::eq(set, &BITNAMI_PHP_FPM))
            && !modelled
                .fpm_extra
                .is_some_and(|set| std::ptr::eq(set, &PHPDOCKERIO))
    }
}

/// The note for an image whose stock files are assumed rather than known.
pub fn assumption(reference: &str) -> Option<String> {
    let repo = reference.split([':', '@']).next().unwrap_or(reference);
    let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
    let library = official_library(repo);
    let known_library = matches!(
        name.as_str(),
        "php" | "wordpress" | "drupal" | "joomla" | "nextcloud" | "matomo" | "mediawiki"
    );
    let modelled = image(reference);
    if modelled
        .fpm_extra
        .is_some_and(|set| std::ptr::eq(set, &PHPDOCKERIO))
    {
        return Some(format!(
            "image {reference} ({name}) is taken to be phpdocker.io's: Ubuntu's php-fpm package ({}) with its pool on port 9000",
            modelled.fpm_main.as_deref().unwrap_or("/etc/php/*/fpm/php-fpm.conf")
        ));
    }
    if modelled
        .fpm
        .is_some_and(|set| std::ptr::eq(set, &BITNAMI_PHP_FPM))
    {
        return Some(format!(
            "image {reference} ({name}) is taken to be Bitnami's: php-fpm reads /opt/bitnami/php/etc/php-fpm.conf and its php-fpm.d/, whose stock files are not known here"
        ));
    }
    (!(library && known_library) && modelled.fpm.is_some()).then(|| {
        format!("image {reference} ({name}) is taken to keep the official php:*-fpm image's files (/usr/local/etc/php-fpm.conf, php-fpm.d/)")
    })
}

/// OpenResty's images: nginx with its files under /usr/local/openresty (contents not
/// carried here; what a repository does not provide stays unknown).
pub static OPENRESTY: StockSet = StockSet {
    name: "openresty",
    source: "openresty/docker-openresty (paths only)",
    files: &[],
    links: &[],
    complete_dirs: &[],
};

/// Bitnami's nginx image: paths only (its nginx.conf is built by Bitnami's package,
/// not carried here); what the repository does not provide stays unknown.
pub static BITNAMI_NGINX: StockSet = StockSet {
    name: "bitnami-nginx",
    source: "bitnami/containers bitnami/nginx (paths only: /opt/bitnami/nginx/conf/nginx.conf includes server_blocks/*.conf)",
    files: &[],
    links: &[],
    complete_dirs: &[],
};

/// Bitnami's php-fpm image: paths only (its php-fpm.conf and pools are built by
/// Bitnami's package, not carried here); what the repository does not provide stays
/// unknown.
pub static BITNAMI_PHP_FPM: StockSet = StockSet {
    name: "bitnami-php-fpm",
    source: "bitnami/containers bitnami/php-fpm (paths only: /opt/bitnami/php/etc/php-fpm.conf includes php-fpm.d/*.conf)",
    files: &[],
    links: &[],
    complete_dirs: &[],
};

/// True when `reference` is the official nginx image under a tag that names no version
/// (`nginx`, `nginx:alpine`, `nginx:stable-alpine`): the version it runs moves, and the one
/// this data gives it is an assumption.
///
/// ```
/// assert!(deployment::stock::names_no_nginx_version("nginx:alpine"));
/// assert!(deployment::stock::names_no_nginx_version("nginx"));
/// assert!(!deployment::stock::names_no_nginx_version("nginx:1.27-alpine"));
/// assert!(!deployment::stock::names_no_nginx_version("php:8.3-fpm"));
/// ```
pub fn names_no_nginx_version(reference: &str) -> bool {
    let without_digest = reference.trim().split('@').next().unwrap_or(reference);
    let (repo, tag) = match without_digest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t.to_ascii_lowercase()),
        _ => (without_digest, "latest".to_string()),
    };
    let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
    let head = tag.split('-').next().unwrap_or("");
    name == "nginx"
        && official_library(repo)
        && matches!(
            head,
            "latest" | "mainline" | "alpine" | "perl" | "otel" | "1" | "stable"
        )
}

fn nginx_tag_version(tag: &str) -> Option<String> {
    let head = tag.split('-').next().unwrap_or(tag);
    match head {
        "latest" | "mainline" | "alpine" | "perl" | "otel" | "1" => Some(NGINX_MAINLINE.into()),
        "stable" => Some(NGINX_STABLE.into()),
        _ => {
            let mut parts = head.split('.');
            let major = parts.next()?.parse::<u32>().ok()?;
            let minor = parts.next()?.parse::<u32>().ok()?;
            Some(format!("{major}.{minor}"))
        }
    }
}

/// A Debian or Ubuntu release: the tags that name it, the php version its unversioned
/// `php-fpm` package installs and the nginx version its `nginx` package installs
/// (packages.debian.org, packages.ubuntu.com).
struct Release {
    ubuntu: bool,
    tags: &'static [&'static str],
    php: &'static str,
    nginx: &'static str,
}

/// Newest first within each distribution; the first whose tag starts the image's tag wins.
const RELEASES: &[Release] = &[
    Release {
        ubuntu: true,
        tags: &["25.10", "questing"],
        php: "8.4",
        nginx: "1.28",
    },
    Release {
        ubuntu: true,
        tags: &["25.04", "plucky"],
        php: "8.4",
        nginx: "1.26",
    },
    Release {
        ubuntu: true,
        tags: &["24.10", "oracular"],
        php: "8.3",
        nginx: "1.26",
    },
    Release {
        ubuntu: true,
        tags: &["24.04", "noble", "latest", "rolling", ""],
        php: "8.3",
        nginx: "1.24",
    },
    Release {
        ubuntu: true,
        tags: &["22.04", "jammy"],
        php: "8.1",
        nginx: "1.18",
    },
    Release {
        ubuntu: true,
        tags: &["20.04", "focal"],
        php: "7.4",
        nginx: "1.18",
    },
    Release {
        ubuntu: true,
        tags: &["18.04", "bionic"],
        php: "7.2",
        nginx: "1.14",
    },
    Release {
        ubuntu: true,
        tags: &["16.04", "xenial"],
        php: "7.0",
        nginx: "1.10",
    },
    Release {
        ubuntu: false,
        tags: &["13", "trixie"],
        php: "8.4",
        nginx: "1.26",
    },
    Release {
        ubuntu: false,
        tags: &["11", "bullseye"],
        php: "7.4",
        nginx: "1.18",
    },
    Release {
        ubuntu: false,
        tags: &["10", "buster"],
        php: "7.3",
        nginx: "1.14",
    },
    Release {
        ubuntu: false,
        tags: &["9", "stretch"],
        php: "7.0",
        nginx: "1.10",
    },
    // Releases of the php5 packages (`/etc/php5/fpm`): maxpou/docker-symfony builds on
    // `debian:jessie`, which was read as bookworm's nginx 1.22.
    Release {
        ubuntu: false,
        tags: &["8", "jessie"],
        php: "5",
        nginx: "1.6",
    },
    Release {
        ubuntu: false,
        tags: &["7", "wheezy"],
        php: "5",
        nginx: "1.2",
    },
    Release {
        ubuntu: true,
        tags: &["14.04", "trusty"],
        php: "5",
        nginx: "1.4",
    },
    Release {
        ubuntu: true,
        tags: &["12.04", "precise"],
        php: "5",
        nginx: "1.1",
    },
];

/// The release a Debian or Ubuntu base image (`debian:bookworm-slim`, `ubuntu:24.04`)
/// names, or none for bookworm and images this data does not know. Other images built on
/// Debian name their release as a word of the tag (`php:8.3-fpm-trixie`); the official
/// php image without one is on Debian's current stable (trixie since August 2025). Its
/// version numbers are PHP's: `php:8.3-fpm` is not Debian 8 (jessie's nginx 1.6 made
/// `http2 on;` an unknown directive).
fn release_of(base: &str) -> Option<&'static Release> {
    // A pinned digest (`debian:trixie-slim@sha256:…`) is no tag: its release is the tag's.
    let base = base.split('@').next().unwrap_or(base);
    let tag = base
        .rsplit_once(':')
        .map_or("", |(_, t)| t)
        .to_ascii_lowercase();
    let repo = base
        .split([':', '@'])
        .next()
        .unwrap_or(base)
        .to_ascii_lowercase();
    let ubuntu = repo.ends_with("ubuntu");
    if !ubuntu && !repo.ends_with("debian") {
        let named = tag.split(['-', '.', '_']).find_map(|word| {
            RELEASES.iter().find(|release| {
                release.tags.iter().any(|name| {
                    name.starts_with(|c: char| c.is_ascii_alphabetic()) && *name == word
                })
            })
        });
        // Bookworm is what no release row stands for.
        if named.is_some() || tag.split(['-', '.', '_']).any(|w| w == "bookworm") {
            return named;
        }
        let official_php = repo == "php" || repo.ends_with("/php");
        let php = tag
            .split(['-', '.'])
            .take(2)
            .map(|n| n.parse::<u32>().ok())
            .collect::<Option<Vec<u32>>>();
        return match php.as_deref() {
            Some([major, minor]) if official_php && (*major, *minor) >= (8, 1) => {
                RELEASES.iter().find(|r| r.tags.contains(&"trixie"))
            }
            _ => None,
        };
    }
    RELEASES.iter().find(|release| {
        release.ubuntu == ubuntu
            && release.tags.iter().any(|name| {
                // An empty name stands for an untagged image: only an empty tag matches it.
                if name.is_empty() {
                    tag.is_empty()
                } else {
                    tag.starts_with(name)
                }
            })
    })
}

/// The php version Debian's and Ubuntu's unversioned `php-fpm` package installs, by the
/// base image (`debian:bookworm-slim`, `ubuntu:24.04`); bookworm's 8.2 when unknown.
///
/// ```
/// assert_eq!(deployment::stock::debian_default_php("ubuntu:22.04"), "8.1");
/// assert_eq!(deployment::stock::debian_default_php("debian:bookworm-slim"), "8.2");
/// ```
pub fn debian_default_php(base: &str) -> &'static str {
    release_of(base).map_or("8.2", |release| release.php)
}

/// The nginx version Debian's and Ubuntu's `nginx` package installs, by the base image;
/// bookworm's 1.22 when unknown.
///
/// ```
/// assert_eq!(deployment::stock::debian_nginx_version("debian:trixie-slim"), "1.26");
/// assert_eq!(deployment::stock::debian_nginx_version("ubuntu:24.04"), "1.24");
/// assert_eq!(deployment::stock::debian_nginx_version("debian:bookworm"), "1.22");
/// assert_eq!(deployment::stock::debian_nginx_version("debian:jessie"), "1.6");
/// // Pinned to a digest, the tag still names the release.
/// assert_eq!(deployment::stock::debian_nginx_version("debian:trixie-slim@sha256:3a39"), "1.26");
/// // The official php image: PHP's version in the tag, Debian's release as a word of it.
/// assert_eq!(deployment::stock::debian_nginx_version("php:8.3-fpm"), "1.26");
/// assert_eq!(deployment::stock::debian_nginx_version("php:8.3-fpm-bookworm"), "1.22");
/// assert_eq!(deployment::stock::debian_nginx_version("php:7.4-fpm-bullseye"), "1.18");
/// ```
pub fn debian_nginx_version(base: &str) -> &'static str {
    release_of(base).map_or("1.22", |release| release.nginx)
}

/// The nginx version Debian's or Ubuntu's `nginx` package installs beside the php-fpm
/// package `php` (`5` for `php5-fpm`, `7.0` for `php7.0-fpm`): as
/// [`debian_nginx_version`], except for an untagged `ubuntu` base (`latest` names the
/// newest LTS) that installs the php-fpm package of an older LTS: it was built when that
/// LTS was `latest` (`php5-fpm` only installs on 14.04, `php7.0-fpm` on 16.04).
///
/// ```
/// assert_eq!(deployment::stock::debian_nginx_version_beside("ubuntu", "5"), "1.4");
/// assert_eq!(deployment::stock::debian_nginx_version_beside("ubuntu:latest", "5"), "1.4");
/// assert_eq!(deployment::stock::debian_nginx_version_beside("ubuntu", "7.0"), "1.10");
/// assert_eq!(deployment::stock::debian_nginx_version_beside("ubuntu", "8.3"), "1.24");
/// assert_eq!(deployment::stock::debian_nginx_version_beside("ubuntu", ""), "1.24");
/// assert_eq!(deployment::stock::debian_nginx_version_beside("ubuntu:22.04", "7.0"), "1.18");
/// assert_eq!(deployment::stock::debian_nginx_version_beside("debian:jessie", "5"), "1.6");
/// ```
pub fn debian_nginx_version_beside(base: &str, php: &str) -> &'static str {
    let latest =
        release_of(base).filter(|release| release.ubuntu && release.tags.contains(&"latest"));
    let tag = base.rsplit_once(':').map_or("", |(_, t)| t);
    let untagged = tag.is_empty() || tag.eq_ignore_ascii_case("latest");
    if let Some(latest) = latest.filter(|l| untagged && !php.is_empty() && l.php != php) {
        // An LTS (`NN.04`, NN even) older than today's whose package this is; the first
        // row of a php is the newer release (14.04 before 12.04 for php5).
        let lts = |release: &&Release| {
            release.tags.first().is_some_and(|t| {
                t.strip_suffix(".04")
                    .and_then(|year| year.parse::<u32>().ok())
                    .is_some_and(|year| year % 2 == 0)
            })
        };
        if let Some(release) = RELEASES
            .iter()
            .filter(|r| r.ubuntu && r.php == php && !std::ptr::eq(*r, latest))
            .find(lts)
        {
            return release.nginx;
        }
    }
    debian_nginx_version(base)
}

/// The stock set layered over Debian's nginx files for a release's nginx version: the
/// `fastcgi_params` of the packages before nginx-common 1.6.1-2 (Ubuntu 12.04's 1.1,
/// Debian 7's 1.2, Ubuntu 14.04's 1.4), which sets
/// SCRIPT_FILENAME.
pub fn debian_nginx_overlay(version: &str) -> Option<&'static StockSet> {
    matches!(version, "1.1" | "1.2" | "1.4").then_some(&DEBIAN_NGINX_1_4)
}

/// How Debian's php8.2-fpm files move for another version of the package: its tree, and
/// the socket, pid and log paths that carry the version in their names.
pub fn debian_php_moves(version: &str) -> Vec<(String, String)> {
    if version == "8.2" || version.is_empty() {
        return Vec::new();
    }
    // Debian's `php5-fpm` (wheezy, jessie; Ubuntu up to 15.10): /etc/php5/fpm, its pool
    // on /var/run/php5-fpm.sock (kibatic/symfony-docker's 5.x images).
    if version == "5" {
        return vec![
            ("/etc/php/8.2".to_string(), "/etc/php5".to_string()),
            (
                "/run/php/php8.2-fpm".to_string(),
                "/var/run/php5-fpm".to_string(),
            ),
            (
                "/var/log/php8.2-fpm".to_string(),
                "/var/log/php5-fpm".to_string(),
            ),
        ];
    }
    vec![
        ("/etc/php/8.2".to_string(), format!("/etc/php/{version}")),
        (
            "/run/php/php8.2-fpm".to_string(),
            format!("/run/php/php{version}-fpm"),
        ),
        (
            "/var/log/php8.2-fpm".to_string(),
            format!("/var/log/php{version}-fpm"),
        ),
    ]
}

/// nginx from nginx.org's own package repository (`deb http://nginx.org/packages/...`,
/// `https://nginx.org/packages/alpine/...`) on a distribution image: the official
/// image's layout (`conf.d/*.conf`, user `nginx`), not the distribution's
/// (`sites-enabled/default`), since the official image installs the same packages.
pub fn nginx_org_packages(alpine: bool) -> Image {
    let passwd_lines = if alpine { ALPINE_PASSWD } else { NGINX_PASSWD };
    let group_lines = if alpine { ALPINE_GROUP } else { NGINX_GROUP };
    Image {
        nginx: Some(&NGINX_OFFICIAL),
        nginx_extra: alpine.then_some(&NGINX_OFFICIAL_ALPINE),
        nginx_main: Some("/etc/nginx/nginx.conf"),
        nginx_user: Some("nginx"),
        passwd: passwd_lines,
        group: group_lines,
        ..Image::default()
    }
}

/// Where Debian's php-fpm package of `version` keeps its files: `/etc/php/8.2`, or
/// `/etc/php5` for `php5-fpm`.
pub fn debian_php_dir(version: &str) -> String {
    if version == "5" {
        "/etc/php5".to_string()
    } else {
        format!("/etc/php/{version}")
    }
}

/// Debian's packages installed in a Debian/Ubuntu based image (`apt-get install nginx
/// php8.4-fpm`); `php` is the php-fpm package's version (`8.2` when empty).
pub fn debian_packages(nginx: bool, fpm: bool, php: &str) -> Image {
    let php = if php.is_empty() { "8.2" } else { php };
    Image {
        moves: if fpm {
            debian_php_moves(php)
        } else {
            Vec::new()
        },
        nginx: nginx.then_some(&DEBIAN_NGINX),
        fpm: fpm.then_some(&DEBIAN_PHP82),
        nginx_main: nginx.then_some("/etc/nginx/nginx.conf"),
        fpm_main: fpm.then(|| format!("{}/fpm/php-fpm.conf", debian_php_dir(php))),
        nginx_user: nginx.then_some("www-data"),
        passwd: DEBIAN_PASSWD,
        group: DEBIAN_GROUP,
        nginx_version: nginx.then(|| "1.22".to_string()),
        ..Image::default()
    }
}

/// FreeBSD's packages, for loose files kept under `usr/local/etc/nginx/` (ports and
/// Bastille jail templates): nginx runs as `www` (the port's `--user=www`), php-fpm reads
/// `/usr/local/etc/php-fpm.conf`. FreeBSD's own nginx.conf is not in this data: the official
/// image's stands in (where loose sites are placed), with FreeBSD's user.
pub fn freebsd_packages(nginx: bool, fpm: bool) -> Image {
    let base = if nginx {
        image("nginx:latest")
    } else {
        Image::default()
    };
    Image {
        fpm: fpm.then_some(&FREEBSD_PHP_FPM),
        fpm_main: fpm.then(|| "/usr/local/etc/php-fpm.conf".to_string()),
        nginx_user: nginx.then_some("www"),
        passwd: FREEBSD_PASSWD,
        group: FREEBSD_GROUP,
        ..base
    }
}

/// Alpine's packages (`apk add nginx php83-fpm`); `php` is the package's version
/// suffix (`83`, `85`): its files live in `/etc/php<suffix>`.
pub fn alpine_packages(nginx: bool, fpm: bool, php: &str) -> Image {
    let php = if php.is_empty() { "83" } else { php };
    alpine_packages_in(nginx, fpm, &format!("/etc/php{php}"))
}

/// Alpine's nginx package read its sites from /etc/nginx/conf.d up to Alpine 3.13; 3.14
/// moved them to /etc/nginx/http.d. True for a base image of an older release
/// (`alpine:3.13`, `php:7.4-fpm-alpine3.12`): its conf.d sites are loaded (the
/// stremovsky/nginx-php image got a false "never loaded").
///
/// ```
/// use deployment::stock::alpine_sites_in_conf_d;
/// assert!(alpine_sites_in_conf_d("alpine:3.13"));
/// assert!(alpine_sites_in_conf_d("php:7.4-fpm-alpine3.12"));
/// assert!(!alpine_sites_in_conf_d("alpine:3.14"));
/// assert!(!alpine_sites_in_conf_d("alpine:3.21"));
/// assert!(!alpine_sites_in_conf_d("alpine"));
/// ```
pub fn alpine_sites_in_conf_d(base: &str) -> bool {
    let lower = base.to_ascii_lowercase();
    let Some(at) = lower.rfind("alpine") else {
        return false;
    };
    let version = lower[at + "alpine".len()..].trim_start_matches(':');
    let mut parts = version.split(|c: char| !c.is_ascii_digit());
    match (
        parts.next().and_then(|m| m.parse::<u32>().ok()),
        parts.next().and_then(|m| m.parse::<u32>().ok()),
    ) {
        (Some(major), Some(minor)) => (major, minor) < (3, 14),
        _ => false,
    }
}

/// [`alpine_packages`] with the php package's tree at `dir` (`/etc/php85`, or where a
/// `RUN mv` put it).
pub fn alpine_packages_in(nginx: bool, fpm: bool, dir: &str) -> Image {
    // Every Alpine php package keeps its files in /etc/php<suffix> (php7, php8, php81...
    // php85): the stock tree and the main file move together.
    let moves = if fpm && dir != "/etc/php83" {
        vec![("/etc/php83".to_string(), dir.to_string())]
    } else {
        Vec::new()
    };
    Image {
        moves,
        nginx: nginx.then_some(&ALPINE_NGINX),
        fpm: fpm.then_some(&ALPINE_PHP83),
        nginx_main: nginx.then_some("/etc/nginx/nginx.conf"),
        fpm_main: fpm.then(|| format!("{dir}/php-fpm.conf")),
        nginx_user: nginx.then_some("nginx"),
        passwd: ALPINE_PASSWD,
        group: if nginx {
            ALPINE_NGINX_PACKAGE_GROUP
        } else {
            ALPINE_GROUP
        },
        ..Image::default()
    }
}

impl Image {
    /// Layers `other` over this image (a Dockerfile that installs packages on a base).
    pub fn with(mut self, other: Image) -> Image {
        if other.nginx.is_some() {
            self.nginx = other.nginx;
            self.nginx_extra = other.nginx_extra;
            self.nginx_main = other.nginx_main;
            self.nginx_user = other.nginx_user;
            self.nginx_version = other.nginx_version;
            self.modules = other.modules;
        }
        if other.fpm.is_some() {
            self.fpm = other.fpm;
            self.fpm_extra = other.fpm_extra;
            self.fpm_main = other.fpm_main;
            self.moves = other.moves;
        } else if other.nginx.is_some() {
            // nginx's own moves (Alpine before 3.14 keeps sites in conf.d, not http.d) on
            // an image that keeps its php-fpm: `php:7.4-fpm-alpine3.12` + `apk add nginx`
            // read its conf.d site as never loaded (paliari-ti/docker-php-fpm-nginx: a
            // false NGX215).
            self.moves.extend(other.moves);
        }
        if !other.passwd.is_empty() {
            self.passwd = other.passwd;
            self.group = other.group;
        }
        self
    }

    /// Every stock set of the image, lowest layer first.
    pub fn sets(&self) -> impl Iterator<Item = &'static StockSet> {
        [self.fpm, self.fpm_extra, self.nginx, self.nginx_extra]
            .into_iter()
            .flatten()
    }

    /// A short name for messages (`nginx-official + php-official-fpm`).
    pub fn describe(&self) -> String {
        let names: Vec<&str> = self.sets().map(|s| s.name).collect();
        names.join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_nginx_named_for_fpm_runs_no_fpm_and_nginx_php_fpm_does() {
        assert!(image("tobybatch/nginx-fpm-reverse-proxy").fpm.is_none());
        assert!(image("richarvey/nginx-php-fpm:latest").fpm.is_some());
        assert!(image("bitnami/php-fpm:8.2").fpm.is_some());
    }

    /// A third-party nginx image named for a module carries it; a word inside another
    /// word, an image not of nginx, or the official image does not.
    #[test]
    fn an_nginx_image_named_for_a_module_carries_it() {
        assert_eq!(
            image("fholzer/nginx-brotli:mainline-latest").modules,
            ["brotli"]
        );
        assert_eq!(
            image("acme/docker-nginx-headers-more").modules,
            ["headers-more"]
        );
        assert_eq!(image("acme/nginx-lua").modules, ["lua", "ndk"]);
        assert!(image("acme/nginx-valuable").modules.is_empty());
        assert!(image("acme/brotli").modules.is_empty());
        assert!(image("nginx:1.27").modules.is_empty());
    }

    #[test]
    fn releases_before_nginx_common_1_6_1_2_send_script_filename() {
        let sends = |base: &str, php: &str| {
            debian_nginx_overlay(debian_nginx_version_beside(base, php)).is_some_and(|set| {
                set.files.iter().any(|(path, bytes)| {
                    *path == "/etc/nginx/fastcgi_params"
                        && String::from_utf8_lossy(bytes).contains("SCRIPT_FILENAME")
                })
            })
        };
        assert!(sends("ubuntu:14.04", ""));
        assert!(sends("ubuntu:trusty", "5"));
        assert!(sends("ubuntu:12.04", ""));
        assert!(sends("debian:wheezy", ""));
        // `ubuntu` untagged: 24.04, unless it installs php5-fpm (then it was 14.04).
        assert!(sends("ubuntu", "5"));
        assert!(!sends("ubuntu", "8.3"));
        assert!(!sends("ubuntu:16.04", "7.0"));
        assert!(!sends("debian:jessie", "5"));
        assert!(!sends("debian", "5"));
    }

    #[test]
    fn bitnamis_php_fpm_keeps_its_files_under_opt_bitnami() {
        let bitnami = image("docker.io/bitnami/php-fpm:8.2");
        assert_eq!(bitnami.fpm.map(|s| s.name), Some("bitnami-php-fpm"));
        assert_eq!(
            bitnami.fpm_main.as_deref(),
            Some("/opt/bitnami/php/etc/php-fpm.conf")
        );
        let note = assumption("bitnami/php-fpm:8.2").unwrap_or_default();
        assert!(
            note.contains("Bitnami's") && !note.contains("official"),
            "{note}"
        );
    }

    #[test]
    fn distributions_name_their_default_php() {
        assert_eq!(debian_default_php("ubuntu:24.04"), "8.3");
        assert_eq!(debian_default_php("ubuntu:jammy"), "8.1");
        assert_eq!(debian_default_php("docker.io/library/ubuntu:20.04"), "7.4");
        assert_eq!(debian_default_php("debian:trixie-slim"), "8.4");
        assert_eq!(debian_default_php("debian:bookworm-slim"), "8.2");
        assert_eq!(debian_default_php("debian:11"), "7.4");
        assert_eq!(debian_default_php("debian:9"), "7.0");
        assert_eq!(debian_default_php("ubuntu:18.04"), "7.2");
        assert_eq!(debian_default_php("ubuntu"), "8.3");
        assert_eq!(debian_nginx_version("debian:9"), "1.10");
        assert_eq!(debian_nginx_version("debian:13.1"), "1.26");
        assert_eq!(debian_nginx_version("ubuntu:jammy-20240111"), "1.18");
        // "1" must not read as 10, 11 or 13; "12" is bookworm, the default.
        assert_eq!(debian_nginx_version("debian:12"), "1.22");
        assert_eq!(debian_default_php("acme/base:1.0"), "8.2");
        let moves = debian_php_moves("8.4");
        assert!(moves.contains(&("/run/php/php8.2-fpm".into(), "/run/php/php8.4-fpm".into())));
        assert!(debian_php_moves("8.2").is_empty());
    }

    #[test]
    fn pinned_php_releases_keep_the_2025_layout() {
        let layout = |tag: &str| image(&format!("php:{tag}")).fpm.map(|s| s.name);
        let old = Some(PHP_OFFICIAL_2025.name);
        let new = Some(PHP_OFFICIAL.name);
        for tag in [
            "8.2.7-fpm-alpine3.18",
            "7.4-fpm",
            "7-fpm",
            "8.1-fpm-bookworm",
            "8.0.30-fpm",
            "8.2.30-fpm",
            "8.3.29-fpm",
            "8.4.16-fpm",
            "8.5.1-fpm-alpine",
            "5.6-fpm",
        ] {
            assert_eq!(layout(tag), old, "{tag}");
        }
        for tag in [
            "8.2.31-fpm",
            "8.3.30-fpm",
            "8.4.17-fpm",
            "8.5.2-fpm",
            "8.2-fpm",
            "8.3-fpm-alpine",
            "8-fpm",
            "fpm",
            "fpm-alpine",
            "8.6-rc-fpm",
        ] {
            assert_eq!(layout(tag), new, "{tag}");
        }
        assert_eq!(image("wordpress:5-fpm").fpm.map(|s| s.name), new);
        assert!(image("hipages/php-fpm_exporter:2.0.3").fpm.is_none());
        assert_eq!(image("laradock/php-fpm:latest").fpm.map(|s| s.name), new);
    }

    #[test]
    fn tags_name_versions_and_variants() {
        let i = image("nginx:1.24-alpine");
        assert_eq!(i.nginx_version.as_deref(), Some("1.24"));
        assert!(i.nginx_extra.is_some());
        assert_eq!(
            image("nginx").nginx_version.as_deref(),
            Some(NGINX_MAINLINE)
        );
        assert_eq!(
            image("docker.io/library/nginx:stable-alpine")
                .nginx_version
                .as_deref(),
            Some(NGINX_STABLE)
        );
        assert!(image("php:8.3-fpm-alpine").fpm.is_some());
        assert!(image("php:8.3-cli").fpm.is_none());
        // Docker Hub's registry names (martialblog/docker-limesurvey: `docker.io/nginx`).
        for official in [
            "docker.io/nginx:1.27",
            "index.docker.io/library/nginx",
            "library/nginx",
        ] {
            assert!(image(official).nginx.is_some(), "{official}");
        }
        assert!(image("docker.io/php:8.3-fpm").fpm.is_some());
        // Someone else's image of that name is not the official one.
        assert!(image("docker.io/someone/nginx:1.27").nginx.is_none());
        // Bitnami's nginx: its own paths, its files not carried.
        let bitnami = image("bitnami/nginx:1.25");
        assert_eq!(bitnami.nginx.map(|s| s.name), Some("bitnami-nginx"));
        assert_eq!(
            bitnami.nginx_sites_dir,
            Some("/opt/bitnami/nginx/conf/server_blocks")
        );
        assert!(image("wordpress:6-fpm").fpm.is_some());
        // biodiversity-cz: nginx's rootless variant has the official image's files.
        let rootless = image("ghcr.io/nginxinc/nginx-unprivileged:1.27-alpine@sha256:0123");
        assert_eq!(rootless.nginx.map(|s| s.name), Some("nginx-official"));
        assert!(rootless.nginx_extra.is_some());
        assert_eq!(rootless.nginx_version.as_deref(), Some("1.27"));
        assert!(image("nginxinc/nginx-unprivileged").nginx.is_some());
        assert!(image("acme/nginx-unprivileged").nginx.is_none());
    }
}
