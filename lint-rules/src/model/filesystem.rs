//! What the disk says about the paths the configuration names: existence,
//! owner, group and mode, read once under `--root` before the rules run (the
//! rules themselves stay pure). Without `--root` nothing is probed and every
//! answer is "unknown": the machine running the linter is not the one the
//! configuration is for.

use foldhash::{HashMap, HashMapExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::accounts::Accounts;

/// Owner, group and permission bits of one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileFacts {
    /// Owner uid.
    pub uid: u32,
    /// Group gid.
    pub gid: u32,
    /// Permission bits (`0o7777`).
    pub mode: u32,
    /// A directory.
    pub is_dir: bool,
    /// The path's last component is a symbolic link (the facts above are its target's):
    /// what `disable_symlinks on` refuses.
    pub is_symlink: bool,
}

/// What is known about a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe<'f> {
    /// Not probed (no `--root`, or a path with variables).
    Unknown,
    /// Does not exist under the root.
    Missing,
    /// Exists.
    Present(&'f FileFacts),
}

/// The access a process needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Enter a directory (`x`).
    Search,
    /// Create files in a directory (`w` and `x`).
    CreateIn,
}

/// Why a user may not do something to a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// The path that refuses (the target or one of its ancestors).
    pub path: PathBuf,
    /// `drwxr-x--- root:www-data`, for the message.
    pub shown: String,
    /// What is missing (`search`, `write`).
    pub missing: &'static str,
}

/// Probed paths.
#[derive(Clone, Debug, Default)]
pub struct Filesystem {
    facts: HashMap<PathBuf, Option<FileFacts>>,
    /// The root is a configuration checkout (`ROOT/.git`, or no `/var/log`):
    /// git stores no empty directory, so a directory missing there may be one the machine
    /// has empty (see [`lint_source::vfs::is_configuration_checkout`]).
    checkout: bool,
}

impl Filesystem {
    /// Feeds what was probed to `h`, in path order (the map's own order varies).
    pub fn fingerprint(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        let mut facts: Vec<_> = self.facts.iter().collect();
        facts.sort_unstable_by(|a, b| a.0.cmp(b.0));
        format!("{facts:?} {}", self.checkout).hash(h);
    }

    /// Stats every path and its ancestors under `root` (symlinks followed, as the
    /// processes that open them would, inside the root: a copy of / holds absolute links
    /// such as `/var/www/site -> /srv/site` that mean the copy's `/srv`, not this
    /// machine's).
    pub fn probe(root: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Self {
        let mut facts = HashMap::new();
        for path in paths {
            for p in path.ancestors() {
                if !p.is_absolute() || facts.contains_key(p) {
                    continue;
                }
                // A loop of links is what the kernel refuses (`ELOOP`): nothing there.
                let inside = |p: &Path| {
                    resolve_in_root(root, p, MAX_LINKS)
                        .map(|inside| root.join(inside.strip_prefix("/").unwrap_or(&inside)))
                };
                // The last component itself, in its directory as the kernel finds it.
                let is_symlink = match (p.parent().and_then(inside), p.file_name()) {
                    (Some(dir), Some(name)) => std::fs::symlink_metadata(dir.join(name))
                        .is_ok_and(|m| m.file_type().is_symlink()),
                    _ => false,
                };
                let fact = inside(p)
                    .and_then(|on_disk| std::fs::metadata(on_disk).ok())
                    .map(|m| FileFacts {
                        uid: m.uid(),
                        gid: m.gid(),
                        mode: m.mode() & 0o7777,
                        is_dir: m.is_dir(),
                        is_symlink,
                    });
                facts.insert(p.to_path_buf(), fact);
            }
        }
        Filesystem {
            facts,
            checkout: lint_source::vfs::is_configuration_checkout(root),
        }
    }

    /// The same facts, with `dirs` and everything under them unknown when missing: a copy
    /// of / without the directories its packages make says nothing about them.
    pub fn with_unknown(mut self, dirs: &[PathBuf]) -> Self {
        if !dirs.is_empty() {
            self.facts
                .retain(|path, fact| fact.is_some() || !dirs.iter().any(|d| path.starts_with(d)));
        }
        self
    }

    /// True when nothing was probed (no `--root`): every path is [`Probe::Unknown`].
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// What is known about `path`.
    pub fn get(&self, path: &Path) -> Probe<'_> {
        match self.facts.get(path) {
            None => Probe::Unknown,
            Some(None) => Probe::Missing,
            Some(Some(f)) => Probe::Present(f),
        }
    }

    /// True when `path` is missing although its parent directory exists under the root.
    /// A root that lacks the parent too is a configuration checkout rather than a machine
    /// image, and says nothing about that part of the disk.
    pub fn missing_from_existing_dir(&self, path: &Path) -> bool {
        self.get(path) == Probe::Missing
            && path
                .parent()
                .is_some_and(|p| matches!(self.get(p), Probe::Present(f) if f.is_dir))
    }

    /// [`Filesystem::missing_from_existing_dir`] for a path that must be a directory: also
    /// false at the top of a git checkout, which cannot hold an empty directory (a
    /// server's `/etc` and `/var` kept in git lose `/var/log/php-fpm` when it is empty).
    pub fn directory_missing(&self, path: &Path) -> bool {
        !self.checkout && self.missing_from_existing_dir(path)
    }

    /// Why a process, even root, cannot create a file in the directory `dir`: it
    /// `"does not exist"` (its parent does: see [`Filesystem::directory_missing`]) or
    /// `"is not a directory"`; `None` when it can or the tree does not say. Both php-fpm's
    /// master and nginx's open their log files at start-up and create no directories.
    pub fn cannot_create_in(&self, dir: &Path) -> Option<&'static str> {
        match self.get(dir) {
            Probe::Missing if self.directory_missing(dir) => Some("does not exist"),
            Probe::Present(f) if !f.is_dir => Some("is not a directory"),
            _ => None,
        }
    }

    /// [`Filesystem::cannot_create_in`] with the errno text the kernel gives nginx or
    /// php-fpm for it (`2: No such file or directory`, `20: Not a directory`), as their
    /// `open()`/`mkdir()` failures print it.
    pub fn cannot_create_in_why(&self, dir: &Path) -> Option<(&'static str, &'static str)> {
        self.cannot_create_in(dir).map(|problem| {
            let errno = if problem == "does not exist" {
                "2: No such file or directory"
            } else {
                "20: Not a directory"
            };
            (problem, errno)
        })
    }

    /// Whether `user` may do `access` on the directory `path`, checking search
    /// permission on every ancestor. `None` = allowed or cannot tell.
    pub fn denies(
        &self,
        accounts: &Accounts,
        user: &str,
        path: &Path,
        access: Access,
    ) -> Option<Denial> {
        self.denies_in_groups(accounts, user, &accounts.groups(user), path, access)
    }

    /// [`Self::denies`] for a process whose groups are `groups` (nginx's `user www-data
    /// nginx;` runs its workers in group nginx besides www-data's memberships).
    pub fn denies_in_groups(
        &self,
        accounts: &Accounts,
        user: &str,
        groups: &[String],
        path: &Path,
        access: Access,
    ) -> Option<Denial> {
        if user == "root" || !accounts.from_files {
            return None;
        }
        let bits = |f: &FileFacts| -> u32 {
            if accounts.user_by_uid.get(&f.uid).map(String::as_str) == Some(user) {
                (f.mode >> 6) & 7
            } else if accounts
                .group_by_gid
                .get(&f.gid)
                .is_some_and(|g| groups.contains(g))
            {
                (f.mode >> 3) & 7
            } else {
                f.mode & 7
            }
        };
        let mut chain: Vec<&Path> = path.ancestors().collect();
        chain.reverse();
        for (i, p) in chain.iter().enumerate() {
            let Probe::Present(f) = self.get(p) else {
                return None;
            };
            let last = i + 1 == chain.len();
            let (need, missing) = match (last, access) {
                (true, Access::CreateIn) => (0o3, "write"),
                _ => (0o1, "search"),
            };
            if bits(f) & need != need {
                let owner = accounts
                    .user_by_uid
                    .get(&f.uid)
                    .cloned()
                    .unwrap_or_else(|| f.uid.to_string());
                let group = accounts
                    .group_by_gid
                    .get(&f.gid)
                    .cloned()
                    .unwrap_or_else(|| f.gid.to_string());
                return Some(Denial {
                    path: p.to_path_buf(),
                    shown: format!("{:04o} {owner}:{group}", f.mode),
                    missing,
                });
            }
        }
        None
    }
}

/// How many symbolic links one path may go through (Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// `path` as the kernel reads it on the disk under `root`: every symbolic link among its
/// components followed (a directory link `varrun -> run` as well as the last one), an
/// absolute link's target read inside `root` too, as on the machine the root is a copy of.
/// Components that do not exist stay as written. `None` after `max_links` links (a loop,
/// which the kernel refuses with `ELOOP`).
pub fn resolve_in_root(root: &Path, path: &Path, max_links: usize) -> Option<PathBuf> {
    use std::ffi::OsString;
    use std::path::Component;
    // The components still to walk, the next one last.
    fn push_reversed(pending: &mut Vec<OsString>, path: &Path) {
        for c in path.components().rev() {
            match c {
                Component::Normal(n) => pending.push(n.to_os_string()),
                Component::ParentDir => pending.push(OsString::from("..")),
                Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            }
        }
    }
    let mut pending = Vec::new();
    push_reversed(&mut pending, path);
    let mut out = PathBuf::from("/");
    let mut links = 0;
    while let Some(name) = pending.pop() {
        if name == ".." {
            // The prefix walked so far is already physical: `..` leaves it.
            out.pop();
            continue;
        }
        let next = out.join(&name);
        let on_disk = root.join(next.strip_prefix("/").unwrap_or(&next));
        match std::fs::read_link(&on_disk) {
            Ok(link) => {
                links += 1;
                if links > max_links {
                    return None;
                }
                if link.is_absolute() {
                    out = PathBuf::from("/");
                }
                push_reversed(&mut pending, &link);
            }
            Err(_) => out = next,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(entries: &[(&str, u32, u32, u32)]) -> Filesystem {
        Filesystem {
            facts: entries
                .iter()
                .map(|(p, uid, gid, mode)| {
                    (
                        PathBuf::from(p),
                        Some(FileFacts {
                            uid: *uid,
                            gid: *gid,
                            mode: *mode,
                            is_dir: true,
                            is_symlink: false,
                        }),
                    )
                })
                .collect(),
            checkout: false,
        }
    }

    #[test]
    fn owner_group_and_other_bits_in_that_order() {
        let accounts = Accounts::parse(
            "root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/sh\n",
            "root:x:0:\nwww-data:x:33:\n",
        );
        let tree = fs(&[
            ("/", 0, 0, 0o755),
            ("/srv", 0, 0, 0o700),
            ("/var", 0, 0, 0o755),
            ("/var/lib", 0, 33, 0o770),
        ]);
        let denied = tree.denies(&accounts, "www-data", Path::new("/srv"), Access::Search);
        assert_eq!(denied.map(|d| d.missing), Some("search"));
        assert!(tree
            .denies(
                &accounts,
                "www-data",
                Path::new("/var/lib"),
                Access::CreateIn
            )
            .is_none());
        assert!(tree
            .denies(&accounts, "root", Path::new("/srv"), Access::Search)
            .is_none());
        assert!(tree
            .denies(&accounts, "www-data", Path::new("/unknown"), Access::Search)
            .is_none());
    }
    /// A directory missing at the top of a git checkout may be an empty one git does not
    /// store: only a tree that is not a checkout says it is missing.
    #[test]
    fn a_git_checkout_does_not_prove_a_directory_missing() {
        let root = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(root.path().join("var/log/nginx")).expect("mkdir");
        let wanted = || [PathBuf::from("/var/log/php-fpm")];
        let machine = Filesystem::probe(root.path(), wanted());
        assert!(machine.directory_missing(Path::new("/var/log/php-fpm")));
        std::fs::create_dir(root.path().join(".git")).expect("mkdir");
        let checkout = Filesystem::probe(root.path(), wanted());
        assert!(!checkout.directory_missing(Path::new("/var/log/php-fpm")));
        assert!(checkout.missing_from_existing_dir(Path::new("/var/log/php-fpm")));
    }

    /// Links are followed inside the root, directories among them, relative and absolute.
    #[test]
    fn links_resolve_inside_the_root() {
        let root = tempfile::tempdir().expect("tmp");
        let r = root.path();
        std::fs::create_dir_all(r.join("srv/app/run")).expect("mkdir");
        std::fs::create_dir_all(r.join("var")).expect("mkdir");
        std::os::unix::fs::symlink("run", r.join("srv/app/varrun")).expect("link");
        std::os::unix::fs::symlink("/srv/app", r.join("var/app")).expect("link");
        std::os::unix::fs::symlink("loop", r.join("srv/loop")).expect("link");
        let resolve = |p: &str| resolve_in_root(r, Path::new(p), 8);
        assert_eq!(
            resolve("/srv/app/varrun/php-fpm.sock"),
            Some(PathBuf::from("/srv/app/run/php-fpm.sock"))
        );
        assert_eq!(
            resolve("/var/app/varrun/../x"),
            Some(PathBuf::from("/srv/app/x"))
        );
        assert_eq!(resolve("/srv/loop/x"), None);
        assert_eq!(resolve("/nowhere/x"), Some(PathBuf::from("/nowhere/x")));
    }
}
