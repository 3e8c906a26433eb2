//! A `pcscd` of the test's own, with vsmartcard's virtual reader driver (`vpcd`), so that a
//! test reads the project's virtual card through the real PC/SC stack: `libpcsclite` →
//! `pcscd` → `libifdvpcd.so` → TCP → [`VpcdBridge`] → [`VirtualCard`].
//!
//! [`Pcscd::start`] starts the daemon itself and [`Drop`] stops it (kill and wait): tests own
//! what they start. Nothing of the system's PC/SC set-up is touched:
//!
//! - The reader configuration is a `reader.conf` in a temporary directory (`pcscd -c DIR`):
//!   vpcd in its usual mode, listening for the virtual card on a free port (`DEVICENAME
//!   /dev/null:PORT`; the driver also opens PORT + 1 for a second, empty slot). No USB, no
//!   hotplug; Debian's `pcscd` 1.9 has no polkit check to switch off.
//! - `pcscd` 1.9 puts its socket and pid file in `/run/pcscd` whatever the environment says
//!   (only the client library reads `PCSCLITE_CSOCK_NAME`). So it runs under
//!   `unshare --mount` with a temporary directory bound over `/run`: its `/run/pcscd` is
//!   private, and the client finds the socket through `PCSCLITE_CSOCK_NAME`, which this module
//!   sets for the test process. As root a mount namespace is enough; otherwise a user
//!   namespace maps the caller to root inside it.
//! - The client library reads `PCSCLITE_CSOCK_NAME` once per process, so the socket path is
//!   fixed per test process and the daemons of one test binary run one after the other (a
//!   lock held by each [`Pcscd`]).
//!
//! Missing packages fail the test with what to install; the tests never skip.

use std::ffi::{CStr, CString};
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use myna_jpki::virtual_card::VirtualCard;
use myna_jpki::vpcd::{Ended, StopHandle, VpcdBridge, VpcdError};
use pcsc::{Context, ReaderState, Scope, State};

/// What the tests return: any error, with its message in the test output.
pub type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Where Debian's `vsmartcard-vpcd` installs the driver.
pub const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
/// The readers' friendly name; pcscd appends the slot (`00 00`, `00 01`).
pub const FRIENDLY_NAME: &str = "Myna vpcd";
const INSTALL: &str =
    "install the Debian packages with `apt-get install pcscd vsmartcard-vpcd` (scripts/test does)";
/// An upper bound on waiting for the daemon or a card, so that a broken set-up fails the test
/// with the daemon's log rather than hanging it. Nothing is asserted about how long it takes.
const PATIENCE: Duration = Duration::from_secs(30);
/// Run by `sh` inside the namespaces, with the directory for `/run` and the configuration
/// directory as `$0` and `$1`.
const DAEMON_SCRIPT: &str = "mount --bind \"$0\" /run && \
    exec setpriv --pdeathsig KILL pcscd --foreground --info --config \"$1\"";
/// How much of the end of the daemon's log a failure message quotes.
const LOG_TAIL: usize = 8 * 1024;

/// A running `pcscd` with the vpcd driver; stopped when dropped.
pub struct Pcscd {
    child: Child,
    port: u16,
    /// The readers of vpcd's two slots, in [`Slot`] order.
    readers: [CString; 2],
    log: PathBuf,
    // Dropped last: the next daemon of this process may start once this one is gone.
    _dir: tempfile::TempDir,
    turn: Option<MutexGuard<'static, ()>>,
}

/// vpcd's two slots (two readers, on the configured port and the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The reader PC/SC lists first.
    First,
    /// The reader PC/SC lists second.
    Second,
}

impl Slot {
    fn index(self) -> usize {
        match self {
            Slot::First => 0,
            Slot::Second => 1,
        }
    }
}

/// A daemon stopped with [`Pcscd::stop`]: until this is dropped, no other test of the process
/// starts one (so a test can check what clients see without a daemon).
pub struct Stopped {
    _turn: Option<MutexGuard<'static, ()>>,
}

impl Pcscd {
    /// Starts `pcscd` in the foreground with a vpcd reader on a free port, and waits until its
    /// readers are listed.
    pub fn start() -> Outcome<Pcscd> {
        let turn = DAEMONS.lock().unwrap_or_else(PoisonError::into_inner);
        check_installed()?;
        let run = client_socket_dir();
        let isolation = isolation()?;
        // Whatever an earlier daemon of this process left (it was killed, not asked to stop).
        if run.exists() {
            fs::remove_dir_all(run)?;
        }
        fs::create_dir_all(run)?;
        let dir = tempfile::tempdir()?;
        // pcscd reads every file in its configuration directory: only reader.conf goes there.
        let conf = dir.path().join("reader.conf.d");
        fs::create_dir(&conf)?;
        let port = free_port_pair()?;
        fs::write(
            conf.join("vpcd"),
            format!(
                "FRIENDLYNAME \"{FRIENDLY_NAME}\"\nDEVICENAME /dev/null:{port}\nLIBPATH {VPCD_DRIVER}\n"
            ),
        )?;
        let log = dir.path().join("pcscd.log");
        let output = File::create(&log)?;
        let child = Command::new("unshare")
            .args(isolation.flags())
            // `setpriv --pdeathsig`: should the test process die before it stops the daemon,
            // the daemon dies with it (the whole chain execs, so its parent is the test).
            .args(["sh", "-c", DAEMON_SCRIPT])
            .arg(run)
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output)
            .spawn()
            .map_err(|e| format!("cannot run unshare (util-linux): {e}"))?;
        let mut daemon = Pcscd {
            child,
            port,
            readers: [CString::default(), CString::default()],
            log,
            _dir: dir,
            turn: Some(turn),
        };
        daemon.readers = daemon.wait_for_readers()?;
        Ok(daemon)
    }

    /// Where vpcd listens for the virtual card of `slot`.
    pub fn vpcd_addr(&self, slot: Slot) -> SocketAddr {
        let port = match slot {
            Slot::First => self.port,
            // free_port_pair checked that the next port exists and was free.
            Slot::Second => self.port + 1,
        };
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port))
    }

    /// The reader of `slot`, by its PC/SC name.
    pub fn reader(&self, slot: Slot) -> &CStr {
        &self.readers[slot.index()]
    }

    /// Both readers' names, as PC/SC lists them.
    pub fn reader_names(&self) -> Vec<String> {
        self.readers
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect()
    }

    /// Connects `card` to vpcd's `slot` (a bridge in a thread) and waits until pcscd reports
    /// a card in that reader.
    pub fn insert(&mut self, slot: Slot, card: VirtualCard) -> Outcome<Inserted> {
        let mut bridge = VpcdBridge::connect(self.vpcd_addr(slot), card)?;
        let stop = bridge.stop_handle()?;
        let session = std::thread::spawn(move || {
            let outcome = bridge.run();
            (bridge.into_card(), outcome)
        });
        self.wait_for(slot, State::PRESENT, "the card to be inserted")?;
        Ok(Inserted {
            slot,
            stop,
            session,
        })
    }

    /// Pulls the card out and waits until pcscd reports the reader empty; the card comes
    /// back with its state (PIN counters), to be inserted again.
    pub fn remove(&mut self, inserted: Inserted) -> Outcome<VirtualCard> {
        let slot = inserted.slot;
        let card = inserted.remove()?;
        self.wait_for(slot, State::EMPTY, "the card to be removed")?;
        Ok(card)
    }

    /// Stops the daemon (kill and wait) and keeps other tests from starting one until the
    /// result is dropped.
    pub fn stop(mut self) -> Stopped {
        self.kill();
        Stopped {
            _turn: self.turn.take(),
        }
    }

    fn kill(&mut self) {
        // SIGKILL, and the wait reaps it: no daemon outlives its test. Its socket and pid file
        // are in the directory bound over its /run, removed here (and at every start).
        let _gone_already = self.child.kill();
        let _reaped = self.child.wait();
        if let Some(run) = RUN.get() {
            let _removed_or_absent = fs::remove_dir_all(run);
        }
    }

    /// The daemon's output so far (for failure messages).
    pub fn log(&self) -> String {
        match fs::read(&self.log) {
            Ok(bytes) => {
                let tail = bytes.len().saturating_sub(LOG_TAIL);
                String::from_utf8_lossy(bytes.get(tail..).unwrap_or_default()).into_owned()
            }
            Err(e) => format!("(no log: {e})"),
        }
    }

    /// The daemon has not exited; if it has, the error carries its log.
    fn check_alive(&mut self) -> Outcome {
        match self.child.try_wait()? {
            None => Ok(()),
            Some(status) => Err(format!(
                "pcscd exited ({status}) before it was ready; its output:\n{}",
                self.log()
            )
            .into()),
        }
    }

    /// Waits until the client library reaches the daemon and it lists vpcd's two slots.
    fn wait_for_readers(&mut self) -> Outcome<[CString; 2]> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.check_alive()?;
            match Context::establish(Scope::User).and_then(|c| c.list_readers_owned()) {
                Ok(readers) => {
                    let ours: Vec<CString> = readers
                        .into_iter()
                        .filter(|r| r.to_string_lossy().starts_with(FRIENDLY_NAME))
                        .collect();
                    return match <[CString; 2]>::try_from(ours) {
                        Ok(slots) => Ok(slots),
                        Err(found) => Err(format!(
                            "pcscd lists {found:?}, not the two vpcd slots; its output:\n{}",
                            self.log()
                        )
                        .into()),
                    };
                }
                // Not listening yet, or listening before the readers were added.
                Err(pcsc::Error::NoService | pcsc::Error::NoReadersAvailable) => {}
                Err(e) => return Err(format!("PC/SC: {e}; pcscd's output:\n{}", self.log()).into()),
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "pcscd did not answer within {PATIENCE:?}; its output:\n{}",
                    self.log()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Blocks in SCardGetStatusChange (no polling here) until the reader of `slot` has
    /// `state`.
    fn wait_for(&mut self, slot: Slot, state: State, what: &str) -> Outcome {
        let context = Context::establish(Scope::User)?;
        let mut watched = [ReaderState::new(self.reader(slot), State::UNAWARE)];
        let deadline = Instant::now() + PATIENCE;
        loop {
            match context.get_status_change(PATIENCE, &mut watched) {
                Ok(()) | Err(pcsc::Error::Timeout) => {}
                Err(e) => return Err(format!("PC/SC: {e}; pcscd's output:\n{}", self.log()).into()),
            }
            let now = watched[0].event_state();
            if now.contains(state) && !now.contains(State::MUTE) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "waited {PATIENCE:?} for {what} (reader state {now:?}); pcscd's output:\n{}",
                    self.log()
                )
                .into());
            }
            watched[0].sync_current_state();
        }
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A card in the reader: a bridge session in a thread.
pub struct Inserted {
    slot: Slot,
    stop: StopHandle,
    session: JoinHandle<(VirtualCard, Result<Ended, VpcdError>)>,
}

impl Inserted {
    /// Pulls the card out (the bridge disconnects): the card, or what ended its session
    /// before (vpcd sent something the bridge refused).
    fn remove(self) -> Outcome<VirtualCard> {
        self.stop.stop();
        let (card, outcome) = self
            .session
            .join()
            .map_err(|_| "the vpcd bridge thread panicked")?;
        match outcome? {
            Ended::Stopped => Ok(card),
            Ended::Closed => {
                Err("vpcd closed the card's connection before the card was removed".into())
            }
        }
    }
}

/// See [`client_socket_dir`].
static RUN: OnceLock<PathBuf> = OnceLock::new();

/// One daemon at a time per test process (they share the client's socket path).
static DAEMONS: Mutex<()> = Mutex::new(());

/// Fails with what to install when pcscd or the vpcd driver is missing.
fn check_installed() -> Outcome {
    let pcscd = ["/usr/sbin/pcscd", "/sbin/pcscd", "/usr/bin/pcscd"]
        .iter()
        .any(|p| Path::new(p).exists());
    let driver = Path::new(VPCD_DRIVER).exists();
    match (pcscd, driver) {
        (true, true) => Ok(()),
        (false, true) => Err(format!("pcscd is not installed: {INSTALL}").into()),
        (true, false) => {
            Err(format!("the vpcd driver ({VPCD_DRIVER}) is not installed: {INSTALL}").into())
        }
        (false, false) => {
            Err(format!("pcscd and the vpcd driver are not installed: {INSTALL}").into())
        }
    }
}

/// The directory bound over the daemon's `/run`, fixed for this test process; the client
/// library is pointed at the socket in it (once: the library reads the variable once).
fn client_socket_dir() -> &'static Path {
    RUN.get_or_init(|| {
        let run = std::env::temp_dir().join(format!("myna-pcscd-{}", std::process::id()));
        // Set before this process first talks PC/SC; every PC/SC call of the tests goes
        // through `Pcscd::start` first.
        std::env::set_var("PCSCLITE_CSOCK_NAME", run.join("pcscd/pcscd.comm"));
        run
    })
}

/// How pcscd gets a private `/run`.
#[derive(Debug, Clone, Copy)]
enum Isolation {
    /// Root: a mount namespace.
    MountNamespace,
    /// Anyone else: a user namespace mapping the caller to root, and a mount namespace.
    UserNamespace,
}

impl Isolation {
    fn flags(self) -> &'static [&'static str] {
        match self {
            Isolation::MountNamespace => &["--mount"],
            Isolation::UserNamespace => &["--mount", "--map-root-user"],
        }
    }
}

/// The first isolation that works here, tried once per process.
fn isolation() -> Outcome<Isolation> {
    static CHOSEN: OnceLock<Result<Isolation, String>> = OnceLock::new();
    CHOSEN
        .get_or_init(|| {
            let root = fs::metadata("/proc/self")
                .map(|m| m.uid() == 0)
                .unwrap_or(false);
            let candidates: &[Isolation] = if root {
                &[Isolation::MountNamespace, Isolation::UserNamespace]
            } else {
                &[Isolation::UserNamespace]
            };
            let mut refusals = Vec::new();
            for &candidate in candidates {
                let probe = Command::new("unshare")
                    .args(candidate.flags())
                    .arg("true")
                    .stdin(Stdio::null())
                    .output();
                match probe {
                    Ok(out) if out.status.success() => return Ok(candidate),
                    Ok(out) => refusals.push(format!(
                        "`unshare {}` failed: {}",
                        candidate.flags().join(" "),
                        String::from_utf8_lossy(&out.stderr).trim()
                    )),
                    Err(e) => refusals.push(format!("cannot run unshare (util-linux): {e}")),
                }
            }
            Err(format!(
                "cannot give pcscd a private /run (so it would take the system's /run/pcscd): {}. \
                 Run the tests as root, or where user namespaces are allowed (in a container: \
                 with CAP_SYS_ADMIN, e.g. `docker run --cap-add SYS_ADMIN`)",
                refusals.join("; ")
            ))
        })
        .clone()
        .map_err(Into::into)
}

/// A port P with P and P + 1 free on every interface (vpcd binds both, on 0.0.0.0).
fn free_port_pair() -> Outcome<u16> {
    for _ in 0..64 {
        let first = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0))?;
        let port = first.local_addr()?.port();
        let Some(next) = port.checked_add(1) else {
            continue;
        };
        if TcpListener::bind((Ipv4Addr::UNSPECIFIED, next)).is_ok() {
            return Ok(port);
        }
    }
    Err("no two consecutive free TCP ports for vpcd".into())
}
