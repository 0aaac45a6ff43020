//! A container's filesystem as the repository describes it: the image's stock
//! files, then `COPY`s of the Dockerfile, then compose/Kubernetes mounts, each
//! layer over the one before. Paths nobody provides are unknown, never the host's.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lint_source::vfs::{
    glob_matches, normalize, sort_like_glob, Fetched, FileSystem, FsError, MAX_FILE,
};

use lint_source::read_cache::ReadCache;

use crate::stock::StockSet;

/// Symbolic links followed while resolving one path.
const MAX_LINKS: usize = 40;
/// Files listed under one mounted directory for one glob (a mount of a whole app tree
/// must not make a glob walk the world).
const MAX_GLOB_FILES: usize = 10_000;

/// What a mount puts at its target.
#[derive(Clone, Debug)]
pub enum Source {
    /// A repository file (host path).
    File(PathBuf),
    /// A repository directory: its content appears under the target. `merge`: a Dockerfile
    /// `COPY` adds to what is there; a bind mount (`merge: false`) hides it.
    Dir {
        /// The directory on this machine.
        host: PathBuf,
        /// Whether files below the target that the directory lacks still come from lower layers.
        merge: bool,
    },
    /// Bytes made while assembling (a rendered template, compose `configs.content`).
    Bytes {
        /// The content.
        bytes: Arc<[u8]>,
        /// What made it, for display.
        origin: Arc<str>,
        /// The repository file it was made from.
        host: Option<PathBuf>,
        /// Where the bytes stand in `host`, when that was searched while assembling
        /// (`Some(None)`: searched, not there as written); `None`: searched when read.
        /// A manifest's ConfigMap keys are found with one index of the manifest, not by
        /// reading and scanning the manifest once per key.
        located: Option<Option<lint_source::Carrier>>,
    },
    /// A volume whose content the repository does not show (anonymous volume, tmpfs).
    Opaque,
    /// Files of another image copied over the target (`COPY --from=s6 /s6/root /`): a COPY
    /// merges, so what lower layers hold stays, and what it adds is unknown (a path the
    /// layers below lack is unknown, not missing). Also what a COPY of a source the
    /// repository lacks places (made before the build, or a build that fails).
    FromImage,
    /// A volume other containers may mount too (a Compose named volume, a pod's
    /// `emptyDir`), content not shown; the key names it across containers.
    Shared(String),
    /// A Docker volume mounted over a path of the image (a Compose named volume): Docker
    /// copies what the image has there into the volume when it is first mounted empty,
    /// so the image's files stay visible (a site COPY'd into `conf.d` is still loaded);
    /// what else the volume holds is not known. The key names it across containers.
    OverImage(String),
    /// Nothing: a stock file the deployment deletes or replaces (`rm default.conf`).
    Removed,
    /// A symbolic link to this container path (a Dockerfile's `RUN ln -s
    /// /etc/nginx/sites-available/app.conf /etc/nginx/sites-enabled/`): reading the
    /// target follows it, as nginx's `include` does.
    Link(PathBuf),
}

/// One layer: something placed at an absolute path of the container.
#[derive(Clone, Debug)]
pub struct Mount {
    /// Where it lands.
    pub target: PathBuf,
    /// What lands there.
    pub source: Source,
    /// Why it is there (`compose.yaml: volumes ./nginx:/etc/nginx/conf.d`), for `deployments`.
    pub why: String,
    /// True when the linter put it there (a loose file placed where its image keeps such
    /// files, a main file's folder standing for /etc/nginx), not the repository (a Compose
    /// volume, a COPY, a manifest's mount): what the repository claims is only the rest.
    pub guessed: bool,
}

/// A stock file as this container has it (a set's path may be moved: Alpine's
/// `/etc/php83` is `/etc/php85` in an image that installs php85).
#[derive(Clone, Debug)]
struct StockEntry {
    path: PathBuf,
    bytes: Arc<[u8]>,
    set: &'static str,
}

/// A container's files.
#[derive(Clone, Debug)]
pub struct ContainerFs {
    stock: Vec<StockEntry>,
    stock_links: Vec<(PathBuf, PathBuf)>,
    complete_dirs: Vec<PathBuf>,
    /// Lowest layer first.
    mounts: Vec<Mount>,
    /// The layers by target path: a lookup visits the layers at the path and its
    /// ancestors only (a loose /etc tree of 5 000 sites is 10 000 layers, and scanning
    /// them all per lookup made repository mode quadratic: 17 s for that tree).
    mounts_at: HashMap<PathBuf, Vec<usize>>,
    /// For a directory, the top-most layer strictly below it (a layer there makes it a
    /// directory).
    top_mount_below: HashMap<PathBuf, usize>,
    /// Repository files outside this directory are never read (a link out of the repository).
    repo_root: PathBuf,
    /// `repo_root` with its links resolved, once (`None`: it cannot be resolved).
    canonical_root: Option<PathBuf>,
    image: Arc<str>,
    /// Variables an entrypoint script substitutes into repository files at start
    /// (`$NAME`, `${NAME}` of these names only), when the container has such a script.
    envsubst: Option<std::collections::BTreeMap<String, String>>,
    /// `{NAME}` (`<NAME>`) placeholders the start script replaces with `sed` (zabbix's web images:
    /// `server_tokens {EXPOSE_WEB_SERVER_INFO};`), with the value each gets.
    placeholders: Option<std::collections::BTreeMap<String, Option<String>>>,
    /// What the image's build does to files after they are in place (`RUN sed -i`,
    /// `echo >>`), by path, in build order.
    build_edits: Vec<(PathBuf, crate::build_edits::Op)>,
    /// Repository files' bytes kept between an editor's runs (see
    /// [`FileSystem::with_read_cache`]).
    cache: Option<Arc<ReadCache>>,
    /// The container's start renders `${NAME:-default}` placeholders (envplate's `ep`,
    /// dockerize, gomplate): an nginx file that has them is read only once rendered.
    renders_shell_defaults: bool,
    /// When the renderer is envplate: the container's environment as far as it is known
    /// (Compose `environment:`, the Dockerfile's `ENV`), to render such a file with.
    envplate_env: Option<std::collections::BTreeMap<String, String>>,
    /// Directories the image's build may have written into with `RUN` (see
    /// [`crate::dockerfile::Dockerfile::run_written`]): something may be there.
    run_written: Vec<PathBuf>,
}

enum Found {
    Host(PathBuf),
    Bytes(
        Arc<[u8]>,
        Arc<str>,
        Option<PathBuf>,
        Option<Option<lint_source::Carrier>>,
    ),
    Stock(Arc<[u8]>, &'static str),
    Link(PathBuf),
}

impl ContainerFs {
    /// A container of `image` (stock sets lowest first) with `mounts` (lowest first).
    pub fn new(
        image: &str,
        sets: Vec<&'static StockSet>,
        mounts: Vec<Mount>,
        repo_root: PathBuf,
    ) -> Self {
        Self::with_moves(image, sets, &[], mounts, repo_root)
    }

    /// Like [`ContainerFs::new`], with stock paths moved: `(from, to)` prefixes.
    pub fn with_moves(
        image: &str,
        sets: Vec<&'static StockSet>,
        moves: &[(String, String)],
        mounts: Vec<Mount>,
        repo_root: PathBuf,
    ) -> Self {
        let moved = |p: &str| -> PathBuf {
            for (from, to) in moves {
                if let Some(rest) = p.strip_prefix(from.as_str()) {
                    return PathBuf::from(format!("{to}{rest}"));
                }
            }
            PathBuf::from(p)
        };
        let mut stock = Vec::new();
        let mut stock_links = Vec::new();
        let mut complete_dirs = Vec::new();
        for set in &sets {
            for (path, bytes) in set.files {
                // Moved files name each other by their moved paths too (an include line).
                let mut text: Vec<u8> = bytes.to_vec();
                for (from, to) in moves {
                    if let Ok(t) = std::str::from_utf8(&text) {
                        if t.contains(from.as_str()) {
                            text = t.replace(from.as_str(), to).into_bytes();
                        }
                    }
                }
                stock.push(StockEntry {
                    path: moved(path),
                    bytes: Arc::from(text),
                    set: set.name,
                });
            }
            for (link, target) in set.links {
                stock_links.push((moved(link), moved(target)));
            }
            complete_dirs.extend(set.complete_dirs.iter().map(|d| moved(d)));
        }
        let mounts: Vec<Mount> = mounts
            .into_iter()
            .map(|mut m| {
                m.target = normalize(&m.target);
                m
            })
            .collect();
        let mut mounts_at: HashMap<PathBuf, Vec<usize>> = HashMap::new();
        let mut top_mount_below: HashMap<PathBuf, usize> = HashMap::new();
        for (i, mount) in mounts.iter().enumerate() {
            mounts_at.entry(mount.target.clone()).or_default().push(i);
            for dir in mount.target.ancestors().skip(1) {
                // Later layers have larger indices: the last one seen is the top-most.
                top_mount_below.insert(dir.to_path_buf(), i);
            }
        }
        let canonical_root = repo_root.canonicalize().ok();
        ContainerFs {
            stock,
            stock_links,
            complete_dirs,
            mounts,
            mounts_at,
            top_mount_below,
            repo_root,
            canonical_root,
            image: Arc::from(format!("image {image}")),
            envsubst: None,
            placeholders: None,
            build_edits: Vec::new(),
            cache: None,
            renders_shell_defaults: false,
            envplate_env: None,
            run_written: Vec::new(),
        }
    }

    /// Directories the build's `RUN`s may have written into (`git clone URL .`,
    /// `mkdir -p /var/www/public`): [`ContainerFs::provided`] counts them as there, with
    /// unknown content.
    pub fn with_run_written(mut self, dirs: &[PathBuf]) -> Self {
        self.run_written = dirs.to_vec();
        self
    }

    /// The container renders `${NAME:-default}` placeholders at start (see the field).
    pub fn with_shell_defaults_rendered(mut self, rendered: bool) -> Self {
        self.renders_shell_defaults = rendered;
        self
    }

    /// The renderer is envplate (`ep`), run with this environment: a file of
    /// `${NAME:-default}` placeholders is read rendered as envplate renders it, and
    /// passed over only when a name stays unknown.
    pub fn with_envplate_env(mut self, env: std::collections::BTreeMap<String, String>) -> Self {
        self.renders_shell_defaults = true;
        self.envplate_env = Some(env);
        self
    }

    /// Substitutes `$NAME`/`${NAME}` of these variables into repository files as they are
    /// read (an entrypoint script that runs envsubst over its configuration).
    pub fn with_envsubst(mut self, env: std::collections::BTreeMap<String, String>) -> Self {
        self.envsubst = (!env.is_empty()).then_some(env);
        self
    }

    /// Replaces `{NAME}` with these values in repository files as they are read (a start
    /// script that fills its configuration in with `sed -i "s/{NAME}/$NAME/g"`); a file
    /// that keeps a placeholder whose value is not known (`None`: computed by the script)
    /// is not known either.
    pub fn with_placeholders(
        mut self,
        values: std::collections::BTreeMap<String, Option<String>>,
    ) -> Self {
        self.placeholders = (!values.is_empty()).then_some(values);
        self
    }

    /// Reads files with the edits a Dockerfile's `RUN` makes to them.
    pub fn with_build_edits(mut self, edits: &[crate::build_edits::FileEdit]) -> Self {
        self.build_edits = edits
            .iter()
            .map(|e| (normalize(&e.path), e.op.clone()))
            .collect();
        self
    }

    /// Whether the build writes `path` whole (`echo ... > path`), so that it exists.
    fn written_at_build(&self, path: &Path) -> bool {
        self.build_edits.iter().any(|(p, op)| {
            p == path
                && matches!(
                    op,
                    crate::build_edits::Op::Write(_) | crate::build_edits::Op::CopyFrom(_)
                )
        })
    }

    /// The build's edits of `path`: the source of its last `RUN cp SRC path`, if any, and
    /// the edits after it (all of them without a copy: a copy replaces what came before).
    fn edits_of(&self, path: &Path) -> (Option<&Path>, Vec<&crate::build_edits::Op>) {
        let path = normalize(path);
        let ops: Vec<&crate::build_edits::Op> = self
            .build_edits
            .iter()
            .filter(|(p, _)| *p == path)
            .map(|(_, op)| op)
            .collect();
        let last_copy = ops
            .iter()
            .rposition(|op| matches!(op, crate::build_edits::Op::CopyFrom(_)));
        match last_copy.map(|i| (i, ops[i])) {
            Some((i, crate::build_edits::Op::CopyFrom(src))) => {
                (Some(src.as_path()), ops[i + 1..].to_vec())
            }
            _ => (None, ops),
        }
    }

    /// A file a Dockerfile RUN made, with its bytes.
    fn written(&self, bytes: Arc<[u8]>) -> Fetched {
        Fetched {
            carrier: None,
            bytes,
            disk_path: None,
            origin: Some(Arc::from(format!(
                "{}, written by a Dockerfile RUN",
                self.image
            ))),
        }
    }

    /// The layers, lowest first.
    pub fn mounts(&self) -> &[Mount] {
        &self.mounts
    }

    /// The stock files this container reads from its image (those no layer replaces), and
    /// the stock sets they come from.
    pub fn stock_files_in_use(&self) -> Vec<(PathBuf, &'static str)> {
        self.stock
            .iter()
            // A file of a lower set that a later one replaces (an old release's
            // `fastcgi_params`) is not in use.
            .filter(|e| matches!(self.lookup(&e.path), Ok(Found::Stock(_, set)) if set == e.set))
            .map(|e| (e.path.clone(), e.set))
            .collect()
    }

    /// Every path a layer puts into the container, with whether its content is known
    /// (`None` when the image itself is not known: then anything may be there).
    pub fn provided(&self) -> Option<Vec<(PathBuf, bool)>> {
        if self.stock.is_empty() {
            return None;
        }
        let stock_dirs = self
            .stock
            .iter()
            .filter_map(|e| e.path.parent().map(|p| (p.to_path_buf(), true)));
        Some(
            self.mounts
                .iter()
                .filter(|m| !matches!(m.source, Source::Removed))
                .map(|m| {
                    let known = !matches!(
                        m.source,
                        Source::Opaque
                            | Source::Shared(_)
                            | Source::OverImage(_)
                            | Source::FromImage
                    );
                    (m.target.clone(), known)
                })
                .chain(stock_dirs)
                .chain(self.run_written.iter().map(|d| (d.clone(), false)))
                .collect(),
        )
    }

    /// Directories this container and `other` both mount from one volume (a named
    /// volume, one bind-mounted directory, a pod's `emptyDir`): (path here, path there).
    pub fn shared_with(&self, other: &ContainerFs) -> Vec<(PathBuf, PathBuf)> {
        let key = |m: &Mount| match &m.source {
            Source::Shared(k) | Source::OverImage(k) => Some(k.clone()),
            Source::Dir { host, merge: false } => Some(format!("bind:{}", host.display())),
            _ => None,
        };
        let mut out = Vec::new();
        for a in &self.mounts {
            let Some(ka) = key(a) else { continue };
            for b in &other.mounts {
                if key(b).as_ref() == Some(&ka) {
                    out.push((a.target.clone(), b.target.clone()));
                }
            }
        }
        out
    }

    /// The repository file or directory a container path comes from, if any.
    pub fn host_path(&self, path: &Path) -> Option<PathBuf> {
        match self.lookup(path) {
            Ok(Found::Host(h)) => Some(h),
            Ok(Found::Bytes(_, _, h, _)) => h,
            _ => None,
        }
    }

    fn inside_repo(&self, host: &Path) -> bool {
        match (host.canonicalize(), &self.canonical_root) {
            (Ok(h), Some(r)) => h.starts_with(r),
            _ => true,
        }
    }

    /// The layers placed at `path` or at one of its ancestors, top-most first: the only
    /// ones that can hold it.
    fn layers_holding(&self, path: &Path) -> Vec<usize> {
        let mut found: Vec<usize> = path
            .ancestors()
            .filter_map(|dir| self.mounts_at.get(dir))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable_by(|a, b| b.cmp(a));
        found
    }

    /// One step of resolution: what the top-most layer holding `path` has there. Below
    /// another image's files merged over it, a path the lower layers lack is unknown.
    fn lookup(&self, path: &Path) -> Result<Found, FsError> {
        self.lookup_with(path, false)
    }

    /// [`Self::lookup`], past the layers a `RUN rm` made when `before_removals` (the
    /// source of a `RUN mv SRC FILE`: moved before the build removed its folder).
    fn lookup_with(&self, path: &Path, before_removals: bool) -> Result<Found, FsError> {
        let mut under_other_image = false;
        match self.lookup_below(path, &mut under_other_image, before_removals) {
            Err(FsError::NotFound) if under_other_image => Err(FsError::Unknown),
            found => found,
        }
    }

    fn lookup_below(
        &self,
        path: &Path,
        under_other_image: &mut bool,
        before_removals: bool,
    ) -> Result<Found, FsError> {
        for mount in self
            .layers_holding(path)
            .into_iter()
            .map(|i| &self.mounts[i])
        {
            let Ok(rest) = path.strip_prefix(&mount.target) else {
                continue;
            };
            match &mount.source {
                Source::File(host) if rest.as_os_str().is_empty() => {
                    return Ok(Found::Host(host.clone()))
                }
                Source::File(_) => return Err(FsError::NotFound),
                Source::Bytes {
                    bytes,
                    origin,
                    host,
                    located,
                } if rest.as_os_str().is_empty() => {
                    return Ok(Found::Bytes(
                        bytes.clone(),
                        origin.clone(),
                        host.clone(),
                        located.clone(),
                    ))
                }
                Source::Bytes { .. } => return Err(FsError::NotFound),
                Source::Opaque | Source::Shared(_) => return Err(FsError::Unknown),
                Source::FromImage | Source::OverImage(_) => {
                    *under_other_image = true;
                    continue;
                }
                Source::Removed if before_removals => continue,
                Source::Removed => return Err(FsError::NotFound),
                Source::Link(target) if rest.as_os_str().is_empty() => {
                    return Ok(Found::Link(target.clone()))
                }
                // A link to a directory: the same path below its target.
                Source::Link(target) => return Ok(Found::Link(target.join(rest))),
                Source::Dir { host, merge } => {
                    let candidate = host.join(rest);
                    match std::fs::symlink_metadata(&candidate) {
                        Ok(meta) if meta.file_type().is_symlink() => {
                            let target =
                                std::fs::read_link(&candidate).map_err(|_| FsError::NotFound)?;
                            let container_target = if target.is_absolute() {
                                target
                            } else {
                                path.parent().unwrap_or(Path::new("/")).join(target)
                            };
                            return Ok(Found::Link(normalize(&container_target)));
                        }
                        Ok(meta) if meta.len() < 512 => {
                            // A link checked out as a text file holding its target
                            // (`core.symlinks = false`, a zip of the repository):
                            // nginx on the server reads the target.
                            if let Some(target) = text_link(&candidate) {
                                let container_target = if target.is_absolute() {
                                    target
                                } else {
                                    path.parent().unwrap_or(Path::new("/")).join(target)
                                };
                                return Ok(Found::Link(normalize(&container_target)));
                            }
                            return Ok(Found::Host(candidate));
                        }
                        Ok(_) => return Ok(Found::Host(candidate)),
                        Err(_) if *merge => continue,
                        Err(_) => return Err(FsError::NotFound),
                    }
                }
            }
        }
        if let Some(e) = self.stock.iter().rev().find(|e| e.path == path) {
            return Ok(Found::Stock(e.bytes.clone(), e.set));
        }
        if let Some((_, target)) = self.stock_links.iter().find(|(p, _)| p == path) {
            return Ok(Found::Link(target.clone()));
        }
        let parent = path.parent().unwrap_or(Path::new("/"));
        if self.stock_dir_is_complete(parent) {
            return Err(FsError::NotFound);
        }
        Err(FsError::Unknown)
    }

    fn stock_dir_is_complete(&self, dir: &Path) -> bool {
        self.complete_dirs.iter().any(|d| d == dir)
    }

    /// The path `path` leads to through links (itself when it is none), as far as the
    /// layers know.
    fn final_path(&self, path: &Path) -> PathBuf {
        let mut current = normalize(path);
        for _ in 0..MAX_LINKS {
            match self.lookup(&current) {
                Ok(Found::Link(next)) => current = next,
                _ => break,
            }
        }
        current
    }

    /// Whether `path` still leads on through a link (after [`Self::final_path`] gave up
    /// on a loop).
    fn is_link_loop(&self, path: &Path) -> bool {
        matches!(self.lookup(path), Ok(Found::Link(_)))
    }

    fn resolve(&self, path: &Path) -> Result<Found, FsError> {
        self.resolve_with(path, false)
    }

    fn resolve_with(&self, path: &Path, before_removals: bool) -> Result<Found, FsError> {
        let mut current = normalize(path);
        for _ in 0..MAX_LINKS {
            match self.lookup_with(&current, before_removals)? {
                Found::Link(next) => current = next,
                Found::Host(host) => {
                    if !self.inside_repo(&host) {
                        return Err(FsError::Unknown);
                    }
                    return Ok(Found::Host(host));
                }
                other => return Ok(other),
            }
        }
        Err(FsError::Loop)
    }

    /// Every path the layers could hold under `dir` (at most `MAX_GLOB_FILES` per mount).
    fn candidates(&self, dir: &Path, depth: usize) -> Result<Vec<PathBuf>, FsError> {
        let mut out: Vec<PathBuf> = Vec::new();
        out.extend(
            self.build_edits
                .iter()
                .filter(|(p, op)| {
                    p.starts_with(dir)
                        && matches!(
                            op,
                            crate::build_edits::Op::Write(_) | crate::build_edits::Op::CopyFrom(_)
                        )
                })
                .map(|(p, _)| p.clone()),
        );
        out.extend(
            self.stock
                .iter()
                .map(|e| &e.path)
                .chain(self.stock_links.iter().map(|(p, _)| p))
                .filter(|p| p.starts_with(dir))
                .cloned(),
        );
        // Another image's files or a volume over `dir` hold what the layers below have
        // there and maybe more: with nothing of those known there, what `dir` holds is
        // not known at all (a COPY of a folder the repository lacks, over a php-fpm.d a
        // RUN emptied, is not "no pool").
        let mut in_volume = false;
        for mount in &self.mounts {
            // Another image's files, or a volume the image's files were copied into:
            // unknown ones are not listed (what the layers know is).
            if let Source::FromImage | Source::OverImage(_) = mount.source {
                in_volume |= dir.starts_with(&mount.target);
                continue;
            }
            if let Source::Opaque | Source::Shared(_) = mount.source {
                if dir.starts_with(&mount.target) {
                    return Err(FsError::Unknown);
                }
                // A file there whose content is not known: it exists, reading it is unknown.
                if mount.target.starts_with(dir) {
                    out.push(mount.target.clone());
                }
                continue;
            }
            if mount.target.starts_with(dir) && !matches!(mount.source, Source::Removed) {
                out.push(mount.target.clone());
            }
            if let Source::Dir { host, .. } = &mount.source {
                let base_rel = if let Ok(rest) = dir.strip_prefix(&mount.target) {
                    rest.to_path_buf()
                } else if mount.target.starts_with(dir) {
                    PathBuf::new()
                } else {
                    continue;
                };
                let start = host.join(&base_rel);
                let walker = walkdir::WalkDir::new(&start)
                    .min_depth(1)
                    .max_depth(depth.max(1))
                    .follow_links(false)
                    .sort_by_file_name();
                for entry in walker
                    .into_iter()
                    .filter_map(Result::ok)
                    .take(MAX_GLOB_FILES)
                {
                    if let Ok(rel) = entry.path().strip_prefix(host) {
                        out.push(mount.target.join(rel));
                    }
                }
            }
        }
        if in_volume && !out.iter().any(|p| p.starts_with(dir)) {
            return Err(FsError::Unknown);
        }
        Ok(out)
    }
}

/// The relative link text that leads from the link at container path `link` to
/// container path `target` (`../sites-available/default`).
fn relative_link(link: &Path, target: &Path) -> PathBuf {
    let from: Vec<_> = link
        .parent()
        .unwrap_or(Path::new("/"))
        .components()
        .collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    out
}

impl ContainerFs {
    /// Writes the container's configuration files under `dest` at their container paths
    /// (`dest/etc/nginx/nginx.conf`): stock files, then every layer in order, so that a
    /// real `nginx -t` or `php-fpm -t` can run on what the deployment assembles (in a
    /// mount namespace, or with the paths rewritten). Directories mounted from the
    /// repository are copied up to `limit` files each; removed files are left out.
    pub fn materialize(&self, dest: &Path, limit: usize) -> std::io::Result<usize> {
        let mut written = 0;
        let place = |p: &Path| dest.join(p.strip_prefix("/").unwrap_or(p));
        let mut write = |path: &Path, bytes: &[u8]| -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // A later layer replaces an earlier one, even where the earlier left a link.
            let _ = std::fs::remove_file(path);
            std::fs::write(path, bytes)?;
            written += 1;
            Ok(())
        };
        for e in &self.stock {
            write(&place(&e.path), &e.bytes)?;
        }
        for (link, target) in &self.stock_links {
            let at = place(link);
            if let Some(parent) = at.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let _ = std::fs::remove_file(&at);
            // Relative, so that the link resolves both under `dest` and where `dest` is
            // mounted as the container's / (an absolute host path would not exist there).
            std::os::unix::fs::symlink(relative_link(link, target), &at)?;
        }
        for m in &self.mounts {
            let at = place(&m.target);
            match &m.source {
                Source::File(host) => {
                    if let Ok(Fetched { bytes, .. }) = self.read(&m.target) {
                        write(&at, &bytes)?;
                    } else if let Ok(bytes) = std::fs::read(host) {
                        write(&at, &bytes)?;
                    }
                }
                Source::Bytes { bytes, .. } => write(&at, bytes)?,
                Source::Dir { host, merge } => {
                    if !merge && at.is_dir() {
                        std::fs::remove_dir_all(&at)?;
                    }
                    for entry in walkdir::WalkDir::new(host)
                        .follow_links(false)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.file_type().is_file())
                        .take(limit)
                    {
                        let Ok(rel) = entry.path().strip_prefix(host) else {
                            continue;
                        };
                        let container_path = m.target.join(rel);
                        let bytes = match self.read(&container_path) {
                            Ok(f) => f.bytes.to_vec(),
                            Err(_) => std::fs::read(entry.path())?,
                        };
                        write(&place(&container_path), &bytes)?;
                    }
                    // Links of the repository keep their (container) meaning.
                    for entry in walkdir::WalkDir::new(host)
                        .follow_links(false)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.path_is_symlink())
                        .take(limit)
                    {
                        let Ok(rel) = entry.path().strip_prefix(host) else {
                            continue;
                        };
                        if let Ok(f) = self.read(&m.target.join(rel)) {
                            write(&place(&m.target.join(rel)), &f.bytes)?;
                        }
                    }
                }
                Source::Removed => {
                    let _ = std::fs::remove_file(&at);
                }
                Source::Link(target) => {
                    if let Some(parent) = at.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    let _ = std::fs::remove_file(&at);
                    std::os::unix::fs::symlink(relative_link(&m.target, target), &at)?;
                }
                Source::Opaque | Source::Shared(_) | Source::OverImage(_) => {
                    std::fs::create_dir_all(&at)?;
                }
                // Another image's files are not here to write; what is below stays.
                Source::FromImage => {}
            }
        }
        Ok(written)
    }
}

impl ContainerFs {
    /// A file as its layers have it, before the build's edits.
    fn read_unedited(&self, path: &Path) -> Result<Fetched, FsError> {
        self.read_unedited_with(path, false)
    }

    fn read_unedited_with(&self, path: &Path, before_removals: bool) -> Result<Fetched, FsError> {
        match self.resolve_with(path, before_removals)? {
            Found::Host(host) => {
                let mut bytes: Arc<[u8]> = match &self.cache {
                    // As below: a file that cannot be opened is not there, unless the
                    // reason is its permissions.
                    Some(cache) => cache.read(&host).map_err(|e| match e {
                        FsError::IsDirectory | FsError::TooLarge | FsError::PermissionDenied => e,
                        _ => FsError::NotFound,
                    })?,
                    None => {
                        let meta = std::fs::metadata(&host).map_err(|_| FsError::NotFound)?;
                        if meta.is_dir() {
                            return Err(FsError::IsDirectory);
                        }
                        if meta.len() > MAX_FILE {
                            return Err(FsError::TooLarge);
                        }
                        Arc::from(std::fs::read(&host).map_err(|e| match e.kind() {
                            std::io::ErrorKind::PermissionDenied => FsError::PermissionDenied,
                            _ => FsError::NotFound,
                        })?)
                    }
                };
                if let Some(env) = &self.envsubst {
                    if let Ok(text) = std::str::from_utf8(&bytes) {
                        if text.contains('$') {
                            bytes =
                                Arc::from(crate::assemble::envsubst_guess(text, env).into_bytes());
                        }
                    }
                }
                if let Some(values) = &self.placeholders {
                    if let Ok(text) = std::str::from_utf8(&bytes) {
                        if text.contains(['{', '<', '$']) {
                            let mut text = text.to_string();
                            for (placeholder, value) in values {
                                match value {
                                    Some(value) => text = text.replace(placeholder, value),
                                    None if text.contains(placeholder.as_str()) => {
                                        return Err(FsError::Unrendered(format!(
                                            "{}: the start script's sed writes a value it computes over {placeholder}",
                                            host.strip_prefix(&self.repo_root).unwrap_or(&host).display()
                                        )))
                                    }
                                    None => {}
                                }
                            }
                            bytes = Arc::from(text.into_bytes());
                        }
                    }
                }
                // A `{{NAME}}` (or `<NAME>`, `%name%`...) left in it is filled in by a
                // start script this linter does not run: what nginx reads there is not known (a note that the file is
                // not provided, instead of syntax errors on the placeholder).
                // Comments are not read (WordOps' nginx.conf says `# release {{release}}`).
                let mut rendered_text: Option<String> = None;
                let mut unknown_name = String::new();
                if let Ok(t) = std::str::from_utf8(&bytes) {
                    let braced = t
                        .lines()
                        .map(str::trim_start)
                        .filter(|l| !l.starts_with('#') && !l.starts_with(';'))
                        .any(crate::repository::double_braced_name);
                    let why = if braced {
                        Some("a template of `{{NAME}}` placeholders a start script fills in")
                    } else if crate::repository::template_markers(t) {
                        // gomplate, Jinja, confd: rendered when the container starts
                        // (rewardenv/reward's `resolver {{ getenv "NGINX_RESOLVER" }};`
                        // reached through `include conf.d/*.conf`: 470 false errors).
                        Some("Jinja/Go template markers, rendered when the container starts")
                    } else if self.renders_shell_defaults
                        && crate::repository::shell_defaults(t)
                        && !crate::repository::fpm_score(t)
                    {
                        // Lagoon's `ep /etc/nginx/*` (envplate) renders them at start:
                        // with the values known here and the defaults, read as rendered
                        // (City-of-Helsinki's `root ${WEBROOT:-/var/www/html/public};`).
                        match self
                            .envplate_env
                            .as_ref()
                            .map(|env| crate::repository::render_envplate(t, env))
                        {
                            Some(Ok(rendered)) => {
                                rendered_text = Some(rendered);
                                None
                            }
                            Some(Err(name)) => Some(if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                                unknown_name = name;
                                "`${NAME}` placeholders rendered when the container starts, from a variable whose value is not known here"
                            } else {
                                "`${NAME:-default}` placeholders nginx cannot read, rendered when the container starts"
                            }),
                            None => Some("`${NAME:-default}` placeholders nginx cannot read, rendered when the container starts"),
                        }
                    } else {
                        crate::repository::installer_template(t)
                    };
                    if let Some(why) = why {
                        let name = match unknown_name.is_empty() {
                            true => String::new(),
                            false => format!(" (`{unknown_name}`)"),
                        };
                        return Err(FsError::Unrendered(format!(
                            "{}: {why}{name}",
                            host.strip_prefix(&self.repo_root)
                                .unwrap_or(&host)
                                .display()
                        )));
                    }
                }
                if let Some(rendered) = rendered_text {
                    bytes = Arc::from(rendered.into_bytes());
                } else if let (Some(env), Ok(t)) = (&self.envplate_env, std::str::from_utf8(&bytes))
                {
                    // A pool envplate renders at start (Lagoon's `ep
                    // /usr/local/etc/php-fpm.d/*`): its `${NAME:-default}` are gone before
                    // php-fpm reads it. With a name not known, php-fpm reads what envplate
                    // left, unknown here: kept as written (FPM011 says so).
                    if crate::repository::shell_defaults(t) && crate::repository::fpm_score(t) {
                        if let Ok(rendered) = crate::repository::render_envplate(t, env) {
                            bytes = Arc::from(rendered.into_bytes());
                        }
                    }
                }
                Ok(Fetched {
                    carrier: None,
                    bytes,
                    disk_path: Some(host),
                    origin: None,
                })
            }
            Found::Bytes(bytes, origin, host, located) => Ok(Fetched {
                // A ConfigMap key or a here-document whose lines stand in the repository
                // file as written: findings are placed there.
                carrier: located.unwrap_or_else(|| {
                    let h = host.as_ref()?;
                    let carrier = std::fs::read(h).ok()?;
                    let embedded = std::str::from_utf8(&bytes).ok()?;
                    lint_source::Carrier::locate(
                        h.clone(),
                        &String::from_utf8_lossy(&carrier),
                        embedded,
                    )
                }),
                bytes,
                disk_path: None,
                origin: Some(match host {
                    Some(h) => Arc::from(format!(
                        "{origin} from {}",
                        h.strip_prefix(&self.repo_root).unwrap_or(&h).display()
                    )),
                    None => origin,
                }),
            }),
            Found::Stock(bytes, set) => Ok(Fetched {
                carrier: None,
                bytes,
                disk_path: None,
                origin: Some(Arc::from(format!("{}, stock {set}", self.image))),
            }),
            Found::Link(_) => Err(FsError::Loop),
        }
    }
}

impl FileSystem for ContainerFs {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        let unedited = self.read_unedited(path);
        if self.build_edits.is_empty() {
            return unedited;
        }
        // The file a link leads to is the one a `sed -i` of its path edited.
        let path = self.final_path(path);
        let (copy, rest) = self.edits_of(&path);
        let apply = |bytes: &[u8]| -> Arc<[u8]> {
            Arc::from(crate::build_edits::apply(bytes, rest.iter().copied()))
        };
        // After `RUN cp SRC FILE`, FILE holds SRC as its layers have it (not SRC's own
        // edits: a copy of a copy is not followed, so no loop). With nothing after the
        // copy, FILE is shown where SRC is (the repository's file: findings point into it).
        // The source as it was when copied: `COPY . /src` then `RUN mv /src/www.conf
        // php-fpm.d/ && rm -rf /src` (vixns/docker-php-nginx) moved it before removing it.
        let copied = copy.and_then(|src| {
            self.read_unedited(src)
                .or_else(|_| self.read_unedited_with(src, true))
                .ok()
        });
        if let Some(mut fetched) = copied {
            fetched.bytes = apply(&fetched.bytes);
            if rest.is_empty() {
                return Ok(fetched);
            }
            return match unedited {
                Ok(mut at_file) => {
                    at_file.bytes = fetched.bytes;
                    Ok(at_file)
                }
                Err(FsError::NotFound | FsError::Unknown) => Ok(self.written(fetched.bytes)),
                Err(e) => Err(e),
            };
        }
        match unedited {
            Ok(mut fetched) => {
                fetched.bytes = apply(&fetched.bytes);
                Ok(fetched)
            }
            // `RUN echo '...' > /etc/nginx/conf.d/app.conf` makes the file.
            Err(FsError::NotFound | FsError::Unknown) if self.written_at_build(&path) => {
                Ok(self.written(apply(&[])))
            }
            Err(e) => Err(e),
        }
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        let text = pattern.to_string_lossy();
        let literal_end = text.find(['*', '?', '[']).unwrap_or(text.len());
        let dir_end = text[..literal_end].rfind('/').unwrap_or(0);
        let dir = if dir_end == 0 {
            PathBuf::from("/")
        } else {
            PathBuf::from(&text[..dir_end])
        };
        let depth = text[dir_end..].matches('/').count();
        // glob(3) follows links in the directory part (`ln -s /etc/php83 /etc/php`, then
        // `include=/etc/php/php-fpm.d/*.conf`): what is below the link's target, named
        // under the link.
        let real_dir = self.final_path(&dir);
        let mut found: Vec<PathBuf> = self
            .candidates(&real_dir, depth)?
            .into_iter()
            .map(|p| match p.strip_prefix(&real_dir) {
                Ok(rest) if real_dir != dir => dir.join(rest),
                _ => p,
            })
            .filter(|p| glob_matches(&text, p))
            .filter(|p| match self.resolve(p) {
                // Directories too, as glob(3) returns them (nginx fails reading one).
                Ok(_) => true,
                // A link to nowhere is still a name glob(3) returns; opening it fails later.
                // A file the build writes after a `RUN rm` of what was there (`rm -f
                // php-fpm.d/* && mv /src/www.conf php-fpm.d/`) is there.
                Err(FsError::NotFound) => self.lookup(p).is_ok() || self.written_at_build(p),
                // Mounted from somewhere the repository does not show: there, content unknown.
                Err(FsError::Unknown | FsError::Unrendered(_)) => true,
                Err(_) => false,
            })
            .collect();
        sort_like_glob(&mut found);
        found.dedup();
        Ok(found)
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        let path = normalize(path);
        // Through links, as stat(2) goes (`/etc/php/php-fpm.d` below a link /etc/php to
        // /etc/php83).
        let real = self.final_path(&path);
        let path = if real != path && !self.is_link_loop(&real) {
            real
        } else {
            path
        };
        // A layer placed below `path` above every layer holding it makes it a directory.
        let below = self.top_mount_below.get(&path).copied();
        for i in self.layers_holding(&path) {
            if below.is_some_and(|b| b > i) {
                return Some(true);
            }
            let mount = &self.mounts[i];
            if let Ok(rest) = path.strip_prefix(&mount.target) {
                return match &mount.source {
                    // A COPY merges: what it lacks, lower layers may have.
                    Source::Dir { host, merge: true } if !host.join(rest).exists() => continue,
                    Source::Dir { host, .. } => Some(host.join(rest).is_dir()),
                    Source::Opaque | Source::Shared(_) => None,
                    Source::FromImage | Source::OverImage(_) => continue,
                    Source::Removed => Some(false),
                    _ => Some(false),
                };
            }
        }
        if below.is_some() {
            return Some(true);
        }
        let has_stock = self
            .stock
            .iter()
            .map(|e| &e.path)
            .chain(self.stock_links.iter().map(|(p, _)| p))
            .any(|p| p.starts_with(&path) && *p != path);
        if has_stock {
            Some(true)
        } else {
            None
        }
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        self.host_path(path)
    }

    fn with_read_cache(&self, cache: &Arc<ReadCache>) -> Option<Arc<dyn FileSystem>> {
        let mut cached = self.clone();
        cached.cache = Some(cache.clone());
        Some(Arc::new(cached))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stock;

    #[test]
    fn stock_links_are_written_relative() {
        assert_eq!(
            relative_link(
                Path::new("/etc/nginx/sites-enabled/default"),
                Path::new("/etc/nginx/sites-available/default")
            ),
            PathBuf::from("../sites-available/default")
        );
        assert_eq!(
            relative_link(Path::new("/a/b"), Path::new("/c/d")),
            PathBuf::from("../c/d")
        );
    }

    /// A lookup visits only the layers at the path and its ancestors (10 000 loose files
    /// were 10 000 layers scanned per lookup), and still takes the top-most one: a file
    /// over a directory, a merging COPY that lacks the file, a layer below a directory.
    #[test]
    fn lookups_visit_only_the_layers_that_can_hold_the_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("conf")).unwrap();
        std::fs::write(dir.path().join("conf/a.conf"), "server {}\n").unwrap();
        std::fs::write(dir.path().join("site.conf"), "server { listen 81; }\n").unwrap();
        let mut mounts: Vec<Mount> = (0..5000)
            .map(|i| Mount {
                guessed: false,
                target: format!("/etc/nginx/sites-enabled/s{i}.conf").into(),
                source: Source::File(dir.path().join("site.conf")),
                why: "test".into(),
            })
            .collect();
        mounts.push(Mount {
            guessed: false,
            target: "/etc/nginx/conf.d".into(),
            source: Source::Dir {
                host: dir.path().join("conf"),
                merge: false,
            },
            why: "test".into(),
        });
        // A merging COPY over it that lacks `a.conf`: the bind mount below still has it.
        mounts.push(Mount {
            guessed: false,
            target: "/etc/nginx/conf.d".into(),
            source: Source::Dir {
                host: dir.path().join("empty"),
                merge: true,
            },
            why: "test".into(),
        });
        mounts.push(Mount {
            guessed: false,
            target: "/etc/nginx/conf.d/b.conf".into(),
            source: Source::File(dir.path().join("site.conf")),
            why: "test".into(),
        });
        let fs = ContainerFs::new(
            "nginx:alpine",
            vec![&stock::NGINX_OFFICIAL],
            mounts,
            dir.path().to_path_buf(),
        );
        assert_eq!(
            fs.layers_holding(Path::new("/etc/nginx/sites-enabled/s42.conf")),
            [42]
        );
        assert_eq!(
            fs.layers_holding(Path::new("/etc/nginx/conf.d/b.conf")),
            [5002, 5001, 5000]
        );
        assert!(fs
            .read(Path::new("/etc/nginx/sites-enabled/s4999.conf"))
            .is_ok());
        assert_eq!(
            fs.read(Path::new("/etc/nginx/sites-enabled/s5000.conf"))
                .unwrap_err(),
            FsError::Unknown
        );
        assert_eq!(
            &*fs.read(Path::new("/etc/nginx/conf.d/a.conf"))
                .unwrap()
                .bytes,
            b"server {}\n"
        );
        assert!(fs.read(Path::new("/etc/nginx/conf.d/b.conf")).is_ok());
        // The bind mount hides the stock default.conf.
        assert_eq!(
            fs.read(Path::new("/etc/nginx/conf.d/default.conf"))
                .unwrap_err(),
            FsError::NotFound
        );
        assert_eq!(fs.is_dir(Path::new("/etc/nginx/sites-enabled")), Some(true));
        assert_eq!(fs.is_dir(Path::new("/etc/nginx/conf.d")), Some(true));
        assert_eq!(
            fs.is_dir(Path::new("/etc/nginx/conf.d/b.conf")),
            Some(false)
        );
        assert_eq!(
            fs.is_dir(Path::new("/etc/nginx/sites-enabled/s1.conf")),
            Some(false)
        );
    }

    #[test]
    fn layers_stock_then_mounts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("nginx")).unwrap();
        std::fs::write(dir.path().join("nginx/site.conf"), "server {}\n").unwrap();
        let fs = ContainerFs::new(
            "nginx:alpine",
            vec![&stock::NGINX_OFFICIAL],
            vec![Mount {
                guessed: false,
                target: "/etc/nginx/conf.d".into(),
                source: Source::Dir {
                    host: dir.path().join("nginx"),
                    merge: false,
                },
                why: "test".into(),
            }],
            dir.path().to_path_buf(),
        );
        // The bind mount hides the stock default.conf.
        assert_eq!(
            fs.glob(Path::new("/etc/nginx/conf.d/*.conf")).unwrap(),
            [PathBuf::from("/etc/nginx/conf.d/site.conf")]
        );
        assert!(fs.read(Path::new("/etc/nginx/fastcgi_params")).is_ok());
        assert_eq!(
            fs.read(Path::new("/etc/nginx/fastcgi.conf")).unwrap_err(),
            FsError::NotFound
        );
        assert_eq!(
            fs.read(Path::new("/etc/nginx/snippets/x.conf"))
                .unwrap_err(),
            FsError::Unknown
        );
        assert_eq!(
            fs.read(Path::new("/etc/hostname")).unwrap_err(),
            FsError::Unknown
        );
    }
}

/// The file a Debian module link of a copy of `/etc` names. `libnginx-mod-*` packages
/// enable their module with a link `/etc/nginx/modules-enabled/50-mod-X.conf` →
/// `/usr/share/nginx/modules-available/mod-X.conf`, a one-line file of the package
/// (`load_module modules/ngx_X_module.so;`). A copy of `/etc` keeps the link but not
/// `/usr`: read as missing, each enabled module was an NGX002 error on the
/// `include modules-enabled/*.conf` line (ten on one Raspbian box in triage round 10),
/// and the module's directives were unknown.
fn debian_module_link(root: &lint_source::vfs::RootFs, path: &Path) -> Option<Fetched> {
    if !path.starts_with("/etc/nginx/modules-enabled") {
        return None;
    }
    let target = std::fs::read_link(root.disk_path(path)?).ok()?;
    let name = target
        .strip_prefix("/usr/share/nginx/modules-available")
        .ok()?
        .to_str()?;
    let module = name.strip_prefix("mod-")?.strip_suffix(".conf")?;
    if module.is_empty()
        || !module
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    // Every package's file names its module `ngx_<name>_module.so`, but the development kit's.
    let so = match module {
        "http-ndk" => "ndk_http_module".to_string(),
        other => format!("ngx_{}_module", other.replace('-', "_")),
    };
    Some(Fetched {
        carrier: None,
        bytes: Arc::from(format!("load_module modules/{so}.so;\n").into_bytes()),
        disk_path: None,
        origin: Some(Arc::from(format!(
            "libnginx-mod-{module}, stock modules-available"
        ))),
    })
}

/// A copy of a Debian machine's `/` (a repository that keeps a server's `etc/`), with the
/// package files it does not hold supplied from the stock data: such copies keep what
/// was changed, rarely `mime.types` or `fastcgi_params`, which the packages still install
/// there. What the copy has always wins, and a directory it has is listed as it is.
#[derive(Debug)]
pub struct RootWithStock {
    root: lint_source::vfs::RootFs,
    stock: ContainerFs,
    /// The main files the packages install, for a copy that keeps none of its own (a
    /// Vagrant or Ansible tree with `sites-available/` and a pool file only).
    mains: (Option<PathBuf>, Option<PathBuf>),
    /// Directories the packages make when installed or started (Debian's nginx-common
    /// makes `/var/log/nginx`; php-fpm's service makes `/run/php`): a copy of / that lacks
    /// them is a copy of some files, and says nothing about them.
    package_dirs: Vec<PathBuf>,
}

impl RootWithStock {
    /// The view of `root` with the package files its layout implies: Debian's
    /// ([`RootWithStock::debian`]), else nginx's own `conf/` files beside the nginx.conf
    /// the copy has, in a source build's prefix (`/usr/local/nginx/conf`: LNMP.org,
    /// OneinStack, Centmin Mod), FreeBSD's (`/usr/local/etc/nginx`) or the RHEL and nginx.org
    /// packages' (`/etc/nginx`). Such copies keep the nginx.conf they wrote, not the
    /// `mime.types` and `fastcgi.conf` that `make install` or the package put beside it:
    /// read without them, every include of them was a false "open() failed" error, and
    /// every PHP location a false "no SCRIPT_FILENAME". `None` when the copy has no nginx.conf.
    pub fn packages(root: &Path) -> Option<Self> {
        if let Some(debian) = Self::debian(root) {
            return Some(debian);
        }
        const PLACES: &[(&str, &str)] = &[
            ("/usr/local/nginx/conf", "nginx built from source"),
            ("/usr/local/etc/nginx", "FreeBSD's nginx package"),
            ("/etc/nginx", "the nginx package"),
        ];
        // Pools kept without the package's untouched main file (what admins commit is the
        // pool they edited): the main file the package installs reads them.
        const FPM_PLACES: &[(&str, &StockSet, &str)] = &[
            (
                "/etc",
                &crate::stock::RHEL_PHP_FPM,
                "RHEL's php-fpm package",
            ),
            (
                "/usr/local/etc",
                &crate::stock::FREEBSD_PHP_FPM,
                "FreeBSD's php-fpm package",
            ),
        ];
        let at = |dir: &str| root.join(dir.trim_start_matches('/'));
        let nginx = PLACES
            .iter()
            .find(|(dir, _)| at(dir).join("nginx.conf").is_file());
        let fpm = FPM_PLACES.iter().find(|(dir, _, _)| {
            !at(dir).join("php-fpm.conf").is_file()
                && std::fs::read_dir(at(dir).join("php-fpm.d")).is_ok_and(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .any(|e| e.path().extension().is_some_and(|x| x == "conf"))
                })
        });
        if nginx.is_none() && fpm.is_none() {
            return None;
        }
        let moves = match nginx {
            Some((dir, _)) if *dir != "/usr/local/nginx/conf" => {
                vec![("/usr/local/nginx/conf".to_string(), dir.to_string())]
            }
            _ => Vec::new(),
        };
        let mut sets: Vec<&'static StockSet> = Vec::new();
        let mut whats = Vec::new();
        if let Some((_, what)) = nginx {
            sets.push(&crate::stock::NGINX_CONF);
            whats.push(format!("{what}: nginx's own conf files"));
        }
        if let Some((_, set, what)) = fpm {
            sets.push(set);
            whats.push(format!("{what}: its php-fpm.conf"));
        }
        Some(RootWithStock {
            mains: (
                nginx.map(|(dir, _)| Path::new(dir).join("nginx.conf")),
                fpm.map(|(dir, _, _)| Path::new(dir).join("php-fpm.conf")),
            ),
            package_dirs: Vec::new(),
            root: lint_source::vfs::RootFs::new(root),
            stock: ContainerFs::with_moves(
                &format!("{} (not in the copy of /)", whats.join("; ")),
                sets,
                &moves,
                Vec::new(),
                root.to_path_buf(),
            ),
        })
    }

    /// The view of `root` with Debian's nginx and php-fpm package files, when the copy has
    /// Debian's layout (`etc/nginx/sites-*`, `etc/php/<version>/fpm`); `None` otherwise.
    pub fn debian(root: &Path) -> Option<Self> {
        let nginx = ["sites-available", "sites-enabled"]
            .iter()
            .any(|d| root.join("etc/nginx").join(d).is_dir());
        // The php version the copy runs (the newest with an fpm tree): the package's files move there.
        let versions: Vec<String> = std::fs::read_dir(root.join("etc/php"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|v| {
                v.split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    && root.join("etc/php").join(v).join("fpm").is_dir()
            })
            .collect();
        let php = versions.iter().max().cloned();
        if !nginx && php.is_none() {
            return None;
        }
        let moves = php
            .as_deref()
            .map(crate::stock::debian_php_moves)
            .unwrap_or_default();
        let mut sets: Vec<&'static StockSet> = vec![&crate::stock::DEBIAN_NGINX];
        if php.is_some() {
            sets.push(&crate::stock::DEBIAN_PHP82);
        }
        // Several php versions side by side (WordOps, Virtualmin hosts) each run their own
        // php-fpm; the stock data moves to one of them only, so none is assumed then.
        let mains = (
            nginx.then(|| PathBuf::from("/etc/nginx/nginx.conf")),
            php.as_ref()
                .filter(|_| versions.len() == 1)
                .map(|v| PathBuf::from(format!("/etc/php/{v}/fpm/php-fpm.conf"))),
        );
        let mut package_dirs = Vec::new();
        if nginx {
            package_dirs.extend(["/var/log/nginx", "/var/lib/nginx"].map(PathBuf::from));
        }
        if php.is_some() {
            package_dirs.push(PathBuf::from("/run/php"));
        }
        Some(RootWithStock {
            mains,
            package_dirs,
            root: lint_source::vfs::RootFs::new(root),
            stock: ContainerFs::with_moves(
                "Debian packages (not in the copy of /)",
                sets,
                &moves,
                Vec::new(),
                root.to_path_buf(),
            ),
        })
    }
}

impl RootWithStock {
    /// nginx's and php-fpm's main files as the packages install them (read from the copy
    /// when it has them, else from the stock data).
    pub fn package_mains(&self) -> (Option<&Path>, Option<&Path>) {
        (self.mains.0.as_deref(), self.mains.1.as_deref())
    }

    /// Directories the packages make (see the field): what the copy cannot tell missing.
    pub fn package_dirs(&self) -> &[PathBuf] {
        &self.package_dirs
    }
}

impl FileSystem for RootWithStock {
    fn read(&self, path: &Path) -> Result<Fetched, FsError> {
        match self.root.read(path) {
            Err(FsError::NotFound) => self
                .stock
                .read(path)
                .or_else(|_| debian_module_link(&self.root, path).ok_or(FsError::NotFound)),
            found => found,
        }
    }

    fn glob(&self, pattern: &Path) -> Result<Vec<PathBuf>, FsError> {
        // A directory the copy has is listed as it is (its sites-enabled without the
        // package's default is what the machine runs); one it lacks, as the package has it.
        let dir = pattern
            .to_string_lossy()
            .split(['*', '?', '['])
            .next()
            .and_then(|literal| {
                literal
                    .rfind('/')
                    .map(|i| PathBuf::from(&literal[..i.max(1)]))
            })
            .unwrap_or_else(|| PathBuf::from("/"));
        if self.root.is_dir(&dir) == Some(true) {
            self.root.glob(pattern)
        } else if dir == Path::new("/etc/nginx/sites-enabled")
            && self
                .root
                .glob(Path::new("/etc/nginx/sites-available/*"))
                .is_ok_and(|sites| sites.len() == 1)
        {
            // A copy that keeps one site in sites-available/ and no sites-enabled/ (a
            // Vagrant box's tree; links are often left out of a repository): that site is
            // the one the machine serves. Of several, which are enabled is not known.
            let pattern = pattern.to_string_lossy().replacen(
                "/etc/nginx/sites-enabled",
                "/etc/nginx/sites-available",
                1,
            );
            self.root.glob(Path::new(&pattern))
        } else {
            match self.stock.glob(pattern) {
                // No package file there either: a tree the copy does not hold (WordOps'
                // `/var/www/<site>/conf/nginx/*.conf` in a copy of /etc) is not known,
                // rather than empty (the root tells which).
                Ok(found) if found.is_empty() => match self.root.glob(pattern) {
                    Err(FsError::Unknown) => Err(FsError::Unknown),
                    _ => Ok(found),
                },
                other => other,
            }
        }
    }

    fn is_dir(&self, path: &Path) -> Option<bool> {
        match self.root.is_dir(path) {
            Some(true) => Some(true),
            other => self.stock.is_dir(path).filter(|d| *d).or(other),
        }
    }

    fn disk_path(&self, path: &Path) -> Option<PathBuf> {
        self.root.disk_path(path)
    }

    fn with_read_cache(&self, cache: &Arc<ReadCache>) -> Option<Arc<dyn FileSystem>> {
        Some(Arc::new(RootWithStock {
            root: self.root.clone().with_cache(cache.clone()),
            stock: self.stock.clone(),
            mains: self.mains.clone(),
            package_dirs: self.package_dirs.clone(),
        }))
    }
}

/// The target of a symbolic link committed as a text file: one line that is a relative
/// path to a file beside it (`../sites-available/example.com.conf`), nothing else.
fn text_link(host: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(host).ok()?;
    let line = text.strip_suffix('\n').unwrap_or(&text);
    let looks_like_path = !line.is_empty()
        && !line.contains(['\n', ' ', '\t', ';', '{', '}', '#'])
        && (line.contains('/') || line.ends_with(".conf"));
    if !looks_like_path {
        return None;
    }
    let target = PathBuf::from(line);
    let on_host = host.parent()?.join(&target);
    on_host.is_file().then_some(target)
}
