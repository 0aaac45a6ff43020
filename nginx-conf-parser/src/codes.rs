//! The codes this crate emits while reading files (NGX001–NGX009).

use lint_source::{Family, RuleMeta, Severity};

/// NGX001: the tokenizer rejects the file.
pub static SYNTAX: RuleMeta = RuleMeta {
    code: "NGX001",
    name: "nginx-syntax-error",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "nginx cannot tokenize the file (unbalanced braces, stray quotes, missing \";\")",
    aliases: &[],
    doc: r#"nginx reads its configuration with a small tokenizer: words separated by
blanks, `;` ends a statement, `{` and `}` open and close blocks, `#` starts a
comment only between words, and a quote may only open a word. Anything else
stops `nginx -t` at the first error, with messages such as `unexpected "}"`,
`unexpected end of file, expecting ";" or "}"` or `unexpected "x"`.

We report every such error of the file in one run, at the byte nginx stops at.

**Symptom**: `nginx -t` fails; `systemctl reload nginx` keeps the old config,
`systemctl restart nginx` leaves the site down.

Bad:
```nginx
location / {
    try_files $uri $uri/ /index.php
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php;
}
```"#,
    fix:
        "Close the statement with `;`, balance the braces, or put a blank after the closing quote.",
};

/// NGX002: an `include` names a file that does not exist.
pub static INCLUDE_NOT_FOUND: RuleMeta = RuleMeta {
    code: "NGX002",
    name: "include-not-found",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "an `include` without wildcards names a file that does not exist",
    aliases: &[],
    doc: r#"An `include` whose path has no `*`, `?` or `[` must name an existing file:
nginx fails with `open() "/etc/nginx/snippets/php.conf" failed (2: No such file
or directory)`. A pattern that matches nothing is fine. Relative paths are
resolved against the directory of the main configuration file (for Debian,
`/etc/nginx/`), not against the including file.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `open() "..." failed (2: No such file or directory)`.

Bad:
```nginx
include snippets/fastcgi-php7.conf;
```
Good:
```nginx
include snippets/fastcgi-php.conf;
```"#,
    fix: "Fix the path (relative paths start at nginx's conf directory), or use a wildcard if the file is optional.",
};

/// NGX003: includes that loop or nest too deep.
pub static INCLUDE_CYCLE: RuleMeta = RuleMeta {
    code: "NGX003",
    name: "include-cycle",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a file includes itself, directly or through other files, or includes nest too deep",
    aliases: &[],
    doc: r#"nginx has no include-cycle check: a file that includes itself is read
again and again until a duplicate directive stops it (`"events" directive is
duplicate`), memory runs out or its stack overflows (a site file that says
`include /etc/nginx/sites-enabled/*;` includes itself and every other site). We
cut the cycle at the include that closes it and report it there, once per
include statement however many files its pattern matches; every file is then
read once into each block that includes it.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start), or nginx crashes on a stack overflow while reading the files.

Bad (`/etc/nginx/conf.d/all.conf`):
```nginx
include /etc/nginx/conf.d/*.conf;
```
Good:
```nginx
include /etc/nginx/sites-enabled/*;
```"#,
    fix: "Make the include point at files that do not include the current one again.",
};

/// NGX004: a file could not be read.
pub static UNREADABLE: RuleMeta = RuleMeta {
    code: "NGX004",
    name: "unreadable-file",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary:
        "a configuration file cannot be read (permissions, symlink loop, a directory, too large)",
    aliases: &[],
    doc: r#"nginx must read every included file at start. A file it cannot open or
read fails the whole configuration with `open() "..." failed (13: Permission
denied)` or similar. Symlink loops fail the same way, and so does a directory,
whether a plain `include` names it or a glob matches it (`include conf.d/*;` with a
subdirectory, or a link to one, in `conf.d`): nginx reads every path glob(3)
returns and stops at `pread() "..." failed (21: Is a directory)`. A suffix
(`conf.d/*.conf`) keeps subdirectories out.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `open() "..." failed (13: Permission denied)`.

Bad:
```nginx
include /etc/nginx/sites-enabled;
```
Good:
```nginx
include /etc/nginx/sites-enabled/*;
```"#,
    fix:
        "Make the file readable, fix the symlink, or include the directory's files with a wildcard.",
};

/// NGX005: an include names a path the deployment does not provide.
pub static INCLUDE_UNKNOWN: RuleMeta = RuleMeta {
    code: "NGX005",
    name: "include-outside-deployment",
    family: Family::NginxLoad,
    severity: Severity::Note,
    summary: "an include names a path that neither the repository nor the image provides",
    aliases: &[],
    doc: r#"In a repository, a configuration is linted inside the container it is
deployed to: repository files where compose volumes, Dockerfile `COPY`s or
Kubernetes ConfigMaps put them, and the stock files of the image. A path that
none of them provides may still exist at run time (a volume filled elsewhere,
a file written by an entrypoint script), so it is reported as unknown, not as
a missing file, and never read from the machine running the linter.

Symptom: none yet; if the file really is missing at run time, nginx refuses to
start with `open() "..." failed (2: No such file or directory)`.

**Symptom**: nginx fails to start in the container (`open() "..." failed (2: No such file or directory)`) unless something else puts the file there at run time.

Bad (compose mounts only `./nginx/default.conf`):
```nginx
include /etc/nginx/extra/headers.conf;
```
Good (the file is mounted too):
```yaml
volumes:
  - ./nginx/default.conf:/etc/nginx/conf.d/default.conf
  - ./nginx/headers.conf:/etc/nginx/extra/headers.conf
```"#,
    fix: "Mount or COPY the file into the container, or drop the include.",
};

/// Every code of this module.
pub static RULES: &[&RuleMeta] = &[
    &SYNTAX,
    &INCLUDE_NOT_FOUND,
    &INCLUDE_CYCLE,
    &UNREADABLE,
    &INCLUDE_UNKNOWN,
];
