#!/usr/bin/env python3
"""Builds seed corpora for the fuzz targets from fixtures/ (run from the repository root):
python3 fuzz/seeds.py OUT_DIR  ->  OUT_DIR/<target>/<name> for every target.

lint_tree seeds use the encoding of fuzz/src/lib.rs (decode_tree): files separated by a
NUL byte, each led by the index of its path in TREE_PATHS (0 written as 13)."""
import hashlib
import os
import sys

TREE_PATHS = [
    "etc/nginx/nginx.conf",
    "etc/nginx/fastcgi.conf",
    "etc/nginx/fastcgi_params",
    "etc/nginx/conf.d/0.conf",
    "etc/nginx/conf.d/1.conf",
    "etc/nginx/snippets/fastcgi-php.conf",
    "etc/nginx/sites-enabled/default",
    "etc/php/8.2/fpm/php-fpm.conf",
    "etc/php/8.2/fpm/pool.d/www.conf",
    "etc/php/8.2/fpm/pool.d/1.conf",
    "etc/php/8.2/fpm/php.ini",
    "etc/passwd",
    "etc/group",
]
MAX_FILES = 8
NGINX_MAIN = b"events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n"
FPM_MAIN = b"[global]\nerror_log = /var/log/php-fpm.log\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n"
SKIP = {"mime.types", "koi-utf", "koi-win", "win-utf", "SOURCES.tsv", "SOURCE.md", "README.md"}


def kind(path, data):
    name = os.path.basename(path)
    if name in SKIP or b"\0" in data or len(data) > 16384:
        return None
    low = path.lower()
    if name.endswith((".yml", ".yaml", ".php", ".pem", ".md", ".env", ".tpl")) or "dockerfile" in low:
        return None
    if name.endswith(".ini"):
        return "ini"
    if name in ("passwd", "group"):
        return name
    if b"pm.max_children" in data or b"[global]" in data or b"[www]" in data or "fpm" in low or "pool" in low:
        return "fpm"
    if b"{" in data and b";" in data:
        return "nginx"
    if "nginx" in low or "fastcgi" in low:
        return "nginx"
    return None


def save(out, target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def encode(files):
    # Index 0 (nginx.conf) is written as len(TREE_PATHS): a 0 byte is the separator.
    return b"\0".join(bytes([i or len(TREE_PATHS)]) + body for i, body in files[:MAX_FILES])


def tree_seed(root, files):
    """files: [(relative path, kind, bytes)] of one deployment root."""
    slots = {}
    spare = {"nginx": [3, 4, 6, 5], "fpm": [8, 9]}
    for rel, k, data in sorted(files):
        if rel in TREE_PATHS and TREE_PATHS.index(rel) not in slots:
            slots[TREE_PATHS.index(rel)] = data
    for rel, k, data in sorted(files):
        if rel in TREE_PATHS:
            continue
        if k == "ini" and 10 not in slots:
            slots[10] = data
        for i in spare.get(k, []):
            if i not in slots:
                slots[i] = data
                break
    if not slots:
        return None
    if 0 not in slots and any(i in slots for i in (3, 4)):
        slots[0] = NGINX_MAIN
    if 7 not in slots and any(i in slots for i in (8, 9)):
        slots[7] = FPM_MAIN
    # nginx.conf and php-fpm.conf first: they survive the 8-file cut.
    order = sorted(slots, key=lambda i: (i not in (0, 7), i))
    return encode([(i, slots[i]) for i in order])


def main():
    out = sys.argv[1]
    roots = []
    for base in ("fixtures/rules", "fixtures/repos", "fixtures/example", "fixtures/live"):
        if not os.path.isdir(base):
            continue
        for case in sorted(os.listdir(base)):
            p = os.path.join(base, case)
            if not os.path.isdir(p):
                continue
            subs = [os.path.join(p, s) for s in sorted(os.listdir(p)) if os.path.isdir(os.path.join(p, s))]
            if base == "fixtures/rules" and subs:
                roots.extend(subs)
            else:
                roots.append(p)
    roots += ["fixtures/nginx/debian", "fixtures/fpm/debian", "fixtures/fpm/docker", "fixtures/fpm/rhel"]
    for root in roots:
        files = []
        for dirpath, _, names in os.walk(root):
            for n in names:
                path = os.path.join(dirpath, n)
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError:  # a dangling symbolic link of a fixture
                    continue
                k = kind(os.path.relpath(path, root), data)
                if k is None:
                    continue
                files.append((os.path.relpath(path, root), k, data))
                if k == "nginx":
                    save(out, "nginx_load", data)
                    save(out, "nginx_parse", data)
                elif k in ("fpm", "ini"):
                    save(out, "fpm_load", data)
                    save(out, "fpm_parse", data)
        seed = tree_seed(root, files)
        if seed:
            save(out, "lint_tree", seed)


if __name__ == "__main__":
    main()
