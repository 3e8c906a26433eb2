//! A real service process (`myna issuer serve`, `myna verify serve`) on loopback, as an
//! operator runs it: started, awaited until it accepts connections, its memory read from
//! `/proc`, and stopped with SIGTERM, timed.
//!
//! The process runs under the soft limit of 1,024 open files that a system service gets by
//! default (systemd's `LimitNOFILE=1024:…`), whatever the test process was given, so running
//! out of descriptors is a failure the tests can see rather than one the machine hides.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::MYNA;

/// The soft limit of open files a service starts with (systemd's default for a service).
pub const SERVICE_NOFILE: u32 = 1024;
/// How long a service may take to accept its first connection.
const STARTUP: Duration = Duration::from_secs(30);

/// A running `myna` service process; killed when dropped if still running.
pub struct RunningService {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its standard output and error, for a failing test to show.
    pub log: PathBuf,
}

impl RunningService {
    /// Starts `myna ARGS` with `envs`, its output in `log`, and waits until `addr` accepts a
    /// connection (panicking with the log if the process exits first).
    pub fn start(args: &[&str], envs: &[(&str, &str)], addr: SocketAddr, log: &Path) -> Self {
        let out = std::fs::File::create(log).unwrap();
        let err = out.try_clone().unwrap();
        // `exec` keeps the pid: the process measured and signalled is `myna` itself.
        let script = format!("ulimit -S -n {SERVICE_NOFILE} && exec \"$0\" \"$@\"");
        let mut command = Command::new("sh");
        command
            .args(["-c", &script, MYNA])
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        for (key, _) in std::env::vars() {
            if key.starts_with("MYNA_") {
                command.env_remove(key);
            }
        }
        command.envs(envs.iter().copied());
        let child = command.spawn().unwrap();
        let mut service = RunningService {
            child,
            addr,
            log: log.to_owned(),
        };
        service.await_accepting();
        service
    }

    fn await_accepting(&mut self) {
        let deadline = Instant::now() + STARTUP;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the service exited ({status}) before listening:\n{}",
                    self.log_text()
                );
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the service did not listen on {}:\n{}",
            self.addr,
            self.log_text()
        );
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the service logged so far.
    pub fn log_text(&self) -> String {
        String::from_utf8_lossy(&std::fs::read(&self.log).unwrap_or_default()).into_owned()
    }

    /// The peak resident memory of the process so far (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> u64 {
        proc_status_bytes(self.pid(), "VmHWM:").unwrap_or(0)
    }

    /// Kills the process with SIGKILL (`kill -9`: no shutdown, no flushing, its database
    /// connections cut) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits up to `patience` for the process to exit: how long it took, or
    /// `None` when it was still running (it is then killed).
    pub fn terminate(&mut self, patience: Duration) -> Option<Duration> {
        let start = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -TERM {}", self.pid());
        while start.elapsed() < patience {
            if self.child.try_wait().unwrap().is_some() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for RunningService {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A `/proc/<pid>/status` size line (`VmRSS:`, `VmHWM:`, in kB) in bytes.
pub fn proc_status_bytes(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Watches a process's resident memory every few milliseconds while an attack runs, so an
/// attack that makes the service grow without bound is stopped at `ceiling` instead of
/// taking the machine's memory: [`MemoryWatch::exceeded`] tells the attacker to give up.
pub struct MemoryWatch {
    exceeded: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    highest: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl MemoryWatch {
    /// Starts watching `pid`.
    pub fn start(pid: u32, ceiling: u64) -> Self {
        let exceeded = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let highest = Arc::new(AtomicU64::new(0));
        let thread = {
            let (exceeded, stop, highest) = (exceeded.clone(), stop.clone(), highest.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let Some(rss) = proc_status_bytes(pid, "VmRSS:") else {
                        return;
                    };
                    highest.fetch_max(rss, Ordering::Relaxed);
                    if rss > ceiling {
                        exceeded.store(true, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        };
        MemoryWatch {
            exceeded,
            stop,
            highest,
            thread: Some(thread),
        }
    }

    /// A flag that becomes true once the process went over the ceiling.
    pub fn exceeded(&self) -> Arc<AtomicBool> {
        self.exceeded.clone()
    }

    /// Stops watching: the highest resident memory seen, in bytes.
    pub fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.highest.load(Ordering::Relaxed)
    }
}

impl Drop for MemoryWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
