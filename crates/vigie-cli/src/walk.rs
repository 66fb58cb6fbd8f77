//! What `vigie scan` reads: the paths named on the command line and the
//! files of the directory trees among them, in name order, each file once,
//! walked so that a hostile tree can neither stop the walk nor lead it
//! astray.
//!
//! - An entry that cannot be read (permission denied, vanished since its
//!   directory was listed, a link whose target is missing) is an
//!   [`Item::Failed`], and the walk goes on.
//! - Symbolic links inside a tree are skipped unless the walk follows them
//!   (`--follow-symlinks`); links named on the command line are always
//!   followed. Followed or not, a directory or a file met a second time
//!   (a loop, a link to something already scanned, a hard link, a path
//!   named twice) is skipped, recognised by its device and inode.
//! - FIFOs, sockets and devices are never opened: skipped inside a tree,
//!   refused when named. [`FoundFile::open`] checks what it opened, so that
//!   an entry swapped for one of them during the walk is not read either.
//!
//! - A directory named on the command line that holds no file to scan (it
//!   is empty, or everything in it was skipped) is said to be so
//!   ([`Item::NothingIn`]): nothing scanned is not the same as allowed.
//! - Standard input named twice is read once.
//!
//! The walk is lazy: a directory is listed when it is reached, so that what
//! is said about an entry comes in order with the reports.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, FileType, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use crate::output::display_path;

/// One step of the walk.
pub enum Item {
    /// Standard input, named `-` on the command line.
    Stdin,
    /// A regular file to scan.
    File(FoundFile),
    /// An entry not scanned on purpose; not an error.
    Skipped {
        /// The entry.
        path: PathBuf,
        /// Why it was skipped.
        reason: Skip,
    },
    /// An entry that could not be read: an error.
    Failed {
        /// The entry.
        path: PathBuf,
        /// What went wrong.
        reason: Failure,
    },
    /// A directory named on the command line, walked to its end, in which
    /// there was no file to scan and nothing that failed.
    NothingIn {
        /// The directory, as named.
        path: PathBuf,
        /// How many entries of its tree were skipped (and named).
        skipped: usize,
    },
}

/// Why an entry was skipped.
pub enum Skip {
    /// A symbolic link inside a tree, and links are not followed.
    Symlink,
    /// A FIFO, socket or device inside a tree.
    Special(Special),
    /// A file already scanned under the name it holds.
    SeenFile(PathBuf),
    /// A directory already walked under the name it holds.
    SeenDirectory(PathBuf),
    /// Standard input, named again: it was read to its end the first time.
    SeenStdin,
}

/// Why an entry could not be read.
pub enum Failure {
    /// Reading it, or listing it, failed.
    Io(io::Error),
    /// A symbolic link to follow whose target cannot be reached (missing,
    /// unreadable, or a loop of links).
    BrokenLink(io::Error),
    /// A FIFO, socket or device named on the command line.
    Special(Special),
}

/// A kind of file that is neither a regular file nor a directory.
#[derive(Clone, Copy)]
pub enum Special {
    /// A named pipe: opening one waits for a writer.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character device, such as `/dev/zero`.
    CharDevice,
    /// A block device, such as a disk.
    BlockDevice,
    /// Any other kind of file.
    Other,
}

/// A regular file found by the walk, to open with [`FoundFile::open`].
pub struct FoundFile {
    /// Its path, as named or as reached through the tree.
    pub path: PathBuf,
    /// What the walk saw at `path`.
    metadata: Metadata,
    /// Whether `path` may be a symbolic link to follow.
    through_link: bool,
}

/// Identifies a file or directory however it is reached.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

/// The walk over the paths named on the command line; an iterator of
/// [`Item`]s.
pub struct Walk {
    follow_symlinks: bool,
    /// Paths still to visit, one list per directory being walked, the
    /// deepest last; the first list holds the paths named on the command
    /// line.
    pending: Vec<Pending>,
    seen_files: HashMap<FileId, PathBuf>,
    seen_directories: HashMap<FileId, PathBuf>,
    stdin_seen: bool,
    /// The directory named on the command line being walked, and what its
    /// tree gave so far.
    root: Option<Root>,
}

/// What the tree of one directory named on the command line gave.
struct Root {
    path: PathBuf,
    files: usize,
    failed: usize,
    skipped: usize,
}

/// The paths of one directory (or of the command line) still to visit.
struct Pending {
    paths: std::vec::IntoIter<PathBuf>,
    /// Whether these paths were named on the command line.
    named: bool,
}

impl Walk {
    /// Walks `paths` in their order, and directory trees in name order;
    /// `follow_symlinks` follows the links inside trees too.
    pub fn new(paths: Vec<PathBuf>, follow_symlinks: bool) -> Self {
        Walk {
            follow_symlinks,
            pending: vec![Pending {
                paths: paths.into_iter(),
                named: true,
            }],
            seen_files: HashMap::new(),
            seen_directories: HashMap::new(),
            stdin_seen: false,
            root: None,
        }
    }

    /// Looks at one path: an item to give, or `None` for a directory whose
    /// entries are now pending.
    fn visit(&mut self, path: PathBuf, named: bool) -> Option<Item> {
        if named && path == Path::new("-") {
            if std::mem::replace(&mut self.stdin_seen, true) {
                return Some(Item::Skipped {
                    path,
                    reason: Skip::SeenStdin,
                });
            }
            return Some(Item::Stdin);
        }
        let through_link = named || self.follow_symlinks;
        let metadata = match read_metadata(&path, through_link) {
            Ok(metadata) => metadata,
            Err(reason) => return Some(Item::Failed { path, reason }),
        };
        let file_type = metadata.file_type();
        if file_type.is_symlink() {
            return Some(Item::Skipped {
                path,
                reason: Skip::Symlink,
            });
        }
        if file_type.is_dir() {
            let item = self.enter(path.clone(), &metadata);
            if named && item.is_none() {
                self.root = Some(Root {
                    path,
                    files: 0,
                    failed: 0,
                    skipped: 0,
                });
            }
            return item;
        }
        if file_type.is_file() {
            if let Some(first) = remember(&mut self.seen_files, &path, &metadata) {
                return Some(Item::Skipped {
                    path,
                    reason: Skip::SeenFile(first),
                });
            }
            return Some(Item::File(FoundFile {
                path,
                metadata,
                through_link,
            }));
        }
        let special = Special::of(file_type);
        Some(if named {
            Item::Failed {
                path,
                reason: Failure::Special(special),
            }
        } else {
            Item::Skipped {
                path,
                reason: Skip::Special(special),
            }
        })
    }

    /// Lists a directory not walked yet and makes its entries pending; says
    /// why when it was walked already or cannot be listed (in full).
    fn enter(&mut self, path: PathBuf, metadata: &Metadata) -> Option<Item> {
        if let Some(first) = remember(&mut self.seen_directories, &path, metadata) {
            return Some(Item::Skipped {
                path,
                reason: Skip::SeenDirectory(first),
            });
        }
        let (paths, error) = list(&path);
        self.pending.push(Pending {
            paths: paths.into_iter(),
            named: false,
        });
        error.map(|error| Item::Failed {
            path,
            reason: Failure::Io(error),
        })
    }
}

impl Iterator for Walk {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let pending = self.pending.last_mut()?;
            let named = pending.named;
            match pending.paths.next() {
                Some(path) => {
                    if let Some(item) = self.visit(path, named) {
                        if let Some(root) = &mut self.root {
                            match item {
                                Item::File(_) | Item::Stdin => root.files += 1,
                                Item::Failed { .. } => root.failed += 1,
                                Item::Skipped { .. } => root.skipped += 1,
                                Item::NothingIn { .. } => {}
                            }
                        }
                        return Some(item);
                    }
                }
                None => {
                    self.pending.pop();
                    // Back to the command line: the named directory's tree
                    // is done.
                    if self.pending.len() == 1
                        && let Some(root) = self.root.take()
                        && root.files == 0
                        && root.failed == 0
                    {
                        return Some(Item::NothingIn {
                            path: root.path,
                            skipped: root.skipped,
                        });
                    }
                }
            }
        }
    }
}

/// What is at `path`: the link itself, or what it leads to when
/// `through_link`; a link that leads nowhere is a [`Failure::BrokenLink`].
fn read_metadata(path: &Path, through_link: bool) -> Result<Metadata, Failure> {
    if !through_link {
        return fs::symlink_metadata(path).map_err(Failure::Io);
    }
    fs::metadata(path).map_err(|error| match fs::symlink_metadata(path) {
        Ok(link) if link.file_type().is_symlink() => Failure::BrokenLink(error),
        _ => Failure::Io(error),
    })
}

/// Records that `path` is where the file or directory of `metadata` was
/// met; gives the path it was met at before, if it was.
fn remember(
    seen: &mut HashMap<FileId, PathBuf>,
    path: &Path,
    metadata: &Metadata,
) -> Option<PathBuf> {
    let id = file_id(path, metadata)?;
    match seen.entry(id) {
        std::collections::hash_map::Entry::Occupied(first) => Some(first.get().clone()),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(path.to_path_buf());
            None
        }
    }
}

/// The device and inode of a file.
#[cfg(unix)]
fn file_id(_path: &Path, metadata: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

/// The canonical path of a file, where there is no inode to tell.
#[cfg(not(unix))]
fn file_id(path: &Path, _metadata: &Metadata) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

/// The entries of a directory in name order, and the error that stopped
/// the listing, if one did: the entries listed before it are still walked.
fn list(dir: &Path) -> (Vec<PathBuf>, Option<io::Error>) {
    let mut names: Vec<OsString> = Vec::new();
    let mut error = None;
    match fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                match entry {
                    Ok(entry) => names.push(entry.file_name()),
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
        }
        Err(e) => error = Some(e),
    }
    names.sort();
    (
        names.into_iter().map(|name| dir.join(name)).collect(),
        error,
    )
}

impl FoundFile {
    /// Opens the file to read it, and checks that it is still the regular
    /// file the walk found: an entry replaced since by a FIFO, a device or a
    /// link (when links are not followed) is not read. Opening never waits,
    /// even for a FIFO.
    pub fn open(&self) -> io::Result<File> {
        let file = open_options(self.through_link).open(&self.path)?;
        let opened = file.metadata()?;
        let same = opened.file_type().is_file()
            && file_id(&self.path, &opened) == file_id(&self.path, &self.metadata);
        if same {
            Ok(file)
        } else {
            Err(io::Error::other(
                "it changed during the walk and is no longer the regular file found",
            ))
        }
    }
}

/// Read-only, without waiting (a FIFO would wait for a writer), without
/// taking a terminal as controlling terminal, and without following a last
/// component that is a link unless `through_link`.
#[cfg(unix)]
fn open_options(through_link: bool) -> fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if !through_link {
        flags |= libc::O_NOFOLLOW;
    }
    let mut options = fs::OpenOptions::new();
    options.read(true).custom_flags(flags);
    options
}

/// Read-only.
#[cfg(not(unix))]
fn open_options(_through_link: bool) -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    options
}

impl Special {
    /// The kind of a file that is neither regular nor a directory.
    #[cfg(unix)]
    fn of(file_type: FileType) -> Self {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            Special::Fifo
        } else if file_type.is_socket() {
            Special::Socket
        } else if file_type.is_char_device() {
            Special::CharDevice
        } else if file_type.is_block_device() {
            Special::BlockDevice
        } else {
            Special::Other
        }
    }

    /// The kind of a file that is neither regular nor a directory.
    #[cfg(not(unix))]
    fn of(_file_type: FileType) -> Self {
        Special::Other
    }
}

impl fmt::Display for Special {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Special::Fifo => "a FIFO (named pipe)",
            Special::Socket => "a socket",
            Special::CharDevice => "a character device",
            Special::BlockDevice => "a block device",
            Special::Other => "a special file",
        })
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Symlink => f.write_str("symbolic link, not followed (see --follow-symlinks)"),
            Skip::Special(special) => write!(f, "{special}, not a regular file; not opened"),
            Skip::SeenFile(first) => {
                write!(f, "same file as {}, already scanned", display_path(first))
            }
            Skip::SeenDirectory(first) => write!(
                f,
                "same directory as {}, already walked (a link loop or a second name)",
                display_path(first)
            ),
            Skip::SeenStdin => f.write_str("standard input named again; it was read once"),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Io(error) => write!(f, "{error}"),
            Failure::BrokenLink(error) => write!(f, "symbolic link to nothing readable: {error}"),
            Failure::Special(special) => write!(
                f,
                "{special}, not a regular file; to scan what it gives, use `vigie scan - < PATH`"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory holding the files `names`.
    fn tree_of(names: &[&str]) -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vigie-walk-unit-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap();
        for name in names {
            fs::write(dir.join(name), name).unwrap();
        }
        dir
    }

    /// The path of an item, and whether it is a file to scan (`F`), skipped
    /// (`S`), failed (`E`) or a named directory with no file (`0`).
    fn describe(item: Item) -> (char, PathBuf) {
        match item {
            Item::Stdin => ('-', PathBuf::from("-")),
            Item::File(file) => ('F', file.path),
            Item::Skipped { path, .. } => ('S', path),
            Item::Failed { path, .. } => ('E', path),
            Item::NothingIn { path, .. } => ('0', path),
        }
    }

    #[test]
    fn an_entry_that_vanishes_mid_walk_fails_alone() {
        let dir = tree_of(&["c", "a", "b"]);
        let mut walk = Walk::new(vec![dir.clone()], false);
        assert_eq!(describe(walk.next().unwrap()), ('F', dir.join("a")));
        fs::remove_file(dir.join("b")).unwrap();
        let vanished = walk.next().unwrap();
        assert!(
            matches!(&vanished, Item::Failed { reason: Failure::Io(e), .. } if e.kind() == io::ErrorKind::NotFound)
        );
        assert_eq!(describe(vanished), ('E', dir.join("b")));
        assert_eq!(describe(walk.next().unwrap()), ('F', dir.join("c")));
        assert!(walk.next().is_none());
    }

    #[test]
    fn a_named_directory_with_no_file_is_said_so_after_its_tree() {
        let empty = tree_of(&[]);
        let full = tree_of(&["a"]);
        fs::create_dir(empty.join("sub")).unwrap();
        let walk = Walk::new(vec![empty.clone(), full.clone(), empty.join("sub")], false);
        let items: Vec<(char, PathBuf)> = walk.map(describe).collect();
        assert_eq!(
            items,
            [
                ('0', empty.clone()),
                ('F', full.join("a")),
                // Walked already, as part of the first tree.
                ('S', empty.join("sub")),
            ]
        );
    }

    #[test]
    fn a_file_swapped_after_the_walk_found_it_is_not_read() {
        let dir = tree_of(&["a", "b"]);
        let mut walk = Walk::new(vec![dir.clone()], false);
        let Some(Item::File(found)) = walk.next() else {
            panic!("a is a file")
        };
        fs::remove_file(&found.path).unwrap();
        fs::rename(dir.join("b"), &found.path).unwrap();
        let error = found.open().expect_err("another file now");
        assert!(error.to_string().contains("changed"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_fifo_is_refused_without_waiting() {
        let dir = tree_of(&["a"]);
        let Some(Item::File(found)) = Walk::new(vec![dir.clone()], false).next() else {
            panic!("a is a file")
        };
        fs::remove_file(&found.path).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&found.path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        // Opening a FIFO for reading waits for a writer, unless told not to.
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || sender.send(found.open().map(drop)));
        let opened = receiver
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("opening did not wait for a writer");
        let error = opened.expect_err("a FIFO now");
        assert!(error.to_string().contains("changed"), "{error}");
    }
}
