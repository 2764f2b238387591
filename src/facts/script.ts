/**
 * The one shell script that gathers every fact of a host in a single round trip.
 *
 * POSIX sh only (dash, bash as sh, busybox ash): targets include CentOS 7 and Debian minbase
 * containers without Python. Every probe is optional: a missing file or command leaves its
 * section empty instead of failing the run. Files are read by ONE `head` process (which labels
 * each file with a `==> path <==` header). Every process costs the host a fork+exec, so what
 * files and shell builtins can answer is answered that way: uname's fields from
 * /proc/sys/kernel, ids from /proc/self/status, the passwd entry and the fqdn from
 * /etc/passwd and /etc/hosts where nsswitch.conf puts `files` first, addresses and both
 * routes from one `ip -batch`, statfs without `timeout` when every mount is local, one `ls`
 * for all symlinks. A default gather then runs head, date, ip and stat (and ls where there
 * are device links). The `--processes` argument runs the commands as before, for tests.
 *
 * Output: sections introduced by a line `@@k8splay:NAME`; parsed by ./output.ts.
 *
 * The script is kept free of backticks and `${` so it can live in a template literal.
 */

/** Marker that starts every section line; never produced by the files we read. */
export const SECTION_MARKER = '@@k8splay:';

/** Version of the output format, printed in the first line. */
export const SCRIPT_FORMAT_VERSION = 1;

export const GATHER_SCRIPT = String.raw`
S() { printf '\n@@k8splay:%s\n' "$1"; }
printf '@@k8splay:begin 1\n'
T=$1; shift
case $T in ''|*[!0-9]*) T=10;; esac
P=
for a; do case $a in --processes) P=1;; *[!a-z_0-9]*) ;; *) eval "w_$a=1";; esac; done
set -f
# The environment first, before PATH is extended for our own lookups.
S env; export -p
PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin:/bin:/usr/bin:/usr/local/bin
has() { command -v "$1" >/dev/null 2>&1; }
to() { if [ -n "$hto" ]; then timeout "$T" "$@"; else "$@"; fi; }
has timeout && hto=1

S flags
for n in ip getent timeout systemctl initctl lsb_release findmnt stat head ls date id; do
  has $n && echo "c $n"
done
for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ \
  /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi \
  /usr/bin/pacman /bin/opkg /usr/pkg/bin/pkgin /opt/local/bin/pkgin /opt/tools/bin/pkgin \
  /opt/local/bin/port /usr/local/bin/brew /opt/homebrew/bin/brew /sbin/apk /usr/sbin/pkg \
  /usr/sbin/swlist /usr/bin/emerge /usr/sbin/pkgadd /usr/bin/pkg /usr/bin/xbps-install \
  /usr/local/sbin/pkg /usr/bin/swupd /usr/sbin/sorcery /usr/bin/installp /QOpenSys/pkgs/bin/yum \
  /run/ostree-booted /usr/bin/rpm /sys/kernel/security/apparmor /proc/vz /proc/lve /proc/bc \
  /.dockerenv /.dockerinit /proc/xen /dev/kvm /rhev/ /proc/cpuinfo /proc/meminfo /proc/modules \
  /etc/mtab /etc/arch-release /etc/vmware-release /etc/ansible/facts.d; do
  [ -e "$p" ] && echo "e $p"
done
[ -L /sbin/init ] && echo "L /sbin/init"
if [ -n "$w_chroot" ]; then
  if [ -e /proc/1/root/. ]; then
    if [ / -ef /proc/1/root/. ]; then echo "chroot 0"; else echo "chroot 1"; fi
  fi
fi

# What uname prints is in /proc/sys/kernel (read by head below) where the kernel has "arch"
# and no personality (linux32) changes what uname would say; else uname says it.
kp=
[ -z "$P" ] && [ -r /proc/sys/kernel/arch ] && read -r kp 2>/dev/null </proc/self/personality
if [ "$kp" != 00000000 ]; then S uname; uname -snrvm; fi

# The first source of the hosts and passwd databases of nsswitch.conf (nsh, nsp), where
# exactly one line names the database and no [action] follows that source; else empty (and
# getent answers). Read once, when first needed.
nsr=
nss() {
  [ -n "$nsr" ] && return 0
  nsr=1 nsh= nsp= nnh=0 nnp=0
  if [ -z "$P" ] && [ -r /etc/nsswitch.conf ]; then
    while IFS=' 	:' read -r nk nv nw; do
      case $nw in '['*) nv=;; esac
      case $nk in hosts) nnh=$((nnh + 1)); nsh=$nv;; passwd) nnp=$((nnp + 1)); nsp=$nv;; esac
    done 2>/dev/null </etc/nsswitch.conf
  fi
  [ "$nnh" = 1 ] || nsh=
  [ "$nnp" = 1 ] || nsp=
}

# Every file we want, read by one head process.
F="/proc/sys/kernel/version /var/lib/dbus/machine-id /etc/machine-id"
[ "$kp" = 00000000 ] && F="$F /proc/sys/kernel/ostype /proc/sys/kernel/osrelease /proc/sys/kernel/hostname /proc/sys/kernel/arch"
F="$F /etc/os-release /usr/lib/os-release /etc/lsb-release /etc/SuSE-release /etc/coreos/update.conf"
F="$F /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /selinux/enforce /selinux/policyvers"
F="$F /etc/selinux/config /proc/sys/crypto/fips_enabled /proc/1/comm /proc/cmdline /proc/loadavg"
F="$F /etc/resolv.conf /etc/iscsi/initiatorname.iscsi /etc/nvme/hostnqn /proc/uptime"
F="$F /proc/1/cgroup /proc/1/environ /run/systemd/container /proc/xen/capabilities /proc/self/status"
F="$F /sys/hypervisor/type /proc/meminfo /proc/cpuinfo"
[ -n "$w_virtual" ] && F="$F /proc/modules"
[ -n "$w_hardware" ] && F="$F /etc/mtab"
# /proc/mounts also gives the root filesystem type when /proc/1/root is closed to us.
F="$F /proc/mounts"
has findmnt && [ -n "$w_hardware" ] && F="$F /proc/self/mountinfo"
# /etc/hosts gives the fqdn where it answers (hostsfile below) or where there is no getent.
if [ -n "$w_platform" ] || ! has getent; then F="$F /etc/hosts"; fi
has getent || F="$F /etc/passwd"
set +f
for f in /etc/*-release /etc/*_version /etc/ssh/ssh_host_*_key.pub /etc/openssh/ssh_host_*_key.pub \
  /etc/ssh_host_*_key.pub /sys/devices/virtual/dmi/id/* /sys/class/fc_host/*/port_name \
  /sys/block/dm-*/dm/name; do
  [ -f "$f" ] && F="$F $f"
done
if [ -n "$w_network" ]; then
  for d in /sys/class/net/*; do
    [ -d "$d" ] || continue
    F="$F $d/address $d/mtu $d/operstate $d/type $d/flags $d/speed"
    [ -d "$d/bridge" ] && F="$F $d/bridge/bridge_id $d/bridge/stp_state"
    [ -d "$d/bonding" ] && F="$F $d/bonding/slaves $d/bonding/mode $d/bonding/miimon $d/bonding/lacp_rate $d/bonding/primary $d/bonding/all_slaves_active"
    [ -d "$d/bonding_slave" ] && F="$F $d/bonding_slave/perm_hwaddr"
  done
  has ip || F="$F /proc/net/route /proc/net/fib_trie /proc/net/if_inet6 /proc/net/ipv6_route"
fi
set -f
S files
if has head; then
  head -n 1000000 $F 2>/dev/null
else
  for f in $F; do
    [ -r "$f" ] || continue
    printf '==> %s <==\n' "$f"
    while IFS= read -r l || [ -n "$l" ]; do printf '%s\n' "$l"; done < "$f"
    echo
  done 2>/dev/null
fi

if [ -n "$w_service_mgr" ] && [ ! -r /proc/1/comm ] && [ -L /sbin/init ]; then
  S initlink; ls -l /sbin/init 2>/dev/null
fi

if [ -n "$w_chroot" ] && [ ! -e /proc/1/root/. ]; then
  S rootino; ls -di / 2>/dev/null
fi

if [ -n "$w_platform" ]; then
  hn=
  read -r hn 2>/dev/null </proc/sys/kernel/hostname || hn=$(uname -n)
  # Python's getfqdn() asks NSS. Where "files" comes first and /etc/hosts names the host,
  # on lines of one address only, /etc/hosts is the whole answer: the controller reads it.
  hf=
  nss
  if [ -n "$hn" ] && [ "$nsh" = files ] && [ -r /etc/hosts ]; then
    ha=
    while read -r l; do
      set -- $l
      case $1 in ''|'#'*) continue;; esac
      a=$1; shift
      for n; do
        case $n in
          '#'*) break;;
          "$hn") if [ -z "$ha" ]; then ha=$a; hf=1; elif [ "$ha" != "$a" ]; then hf=; fi; break;;
        esac
      done
    done 2>/dev/null </etc/hosts
  fi
  if [ -n "$hf" ]; then
    S hostsfile
  elif has getent && [ -n "$hn" ]; then
    S hostfwd; a=$(to getent hosts "$hn" 2>/dev/null); echo "$a"
    set -- $a
    if [ -n "$1" ]; then S hostrev; to getent hosts "$1" 2>/dev/null; fi
  fi
fi

if [ -n "$w_user" ]; then
  # The ids are in /proc/self/status (read by head); id only where that cannot be read.
  if [ -n "$P" ] || [ ! -r /proc/self/status ]; then S id; id 2>/dev/null; fi
  u=$LOGNAME; [ -n "$u" ] || u=$USER; [ -n "$u" ] || u=$LNAME; [ -n "$u" ] || u=$USERNAME
  # The passwd entry: its /etc/passwd line where "files" (or "compat", before any +/- line)
  # answers first, else getent (the name, then the effective uid).
  pw=
  nss
  if [ "$nsp" = files ] || [ "$nsp" = compat ]; then
    eu=
    if [ -z "$u" ]; then
      while read -r k a b r; do case $k in Uid:) eu=$b; break;; esac; done 2>/dev/null </proc/self/status
    fi
    if [ -n "$u$eu" ]; then
      while IFS= read -r l; do
        case $l in [+-]*) [ "$nsp" = compat ] && break;; esac
        if [ -n "$u" ]; then
          case $l in "$u":*) pw=$l; break;; esac
        else
          IFS=:; set -- $l; unset IFS
          if [ "$3" = "$eu" ]; then pw=$l; break; fi
        fi
      done 2>/dev/null </etc/passwd
    fi
  fi
  if [ -n "$pw" ]; then
    S passwd; printf '%s\n' "$pw"
  elif has getent; then
    S passwd
    { [ -n "$u" ] && to getent passwd "$u" 2>/dev/null; } || to getent passwd "$(id -u)" 2>/dev/null
  fi
fi

if [ -n "$w_date_time" ]; then
  S date
  date -f - '+%s %N %z %Z' 2>/dev/null <<EOF || date '+%s %N %z %Z'
now
2001-01-15 12:00
2001-07-15 12:00
EOF
fi

# Symbolic links whose targets we need (interfaces' devices and drivers, disks by UUID),
# listed by one ls at the end.
LL=
if [ -n "$w_network" ]; then
  if has ip; then
    # One ip for the addresses and both routes (a route's family follows its address). An
    # ip without -batch (busybox) prints no interface line: then three calls, as before.
    o=
    if [ -z "$P" ]; then
      o=$(ip -force -batch - 2>/dev/null <<EOF
addr show
route get 8.8.8.8
route get 2404:6800:400a:800::1012
EOF
)
    fi
    case $o in
      [0-9]*': '*) S ipbatch; printf '%s\n' "$o" ;;
      *)
        S ipaddr; ip addr show 2>/dev/null
        S route4; ip -4 route get 8.8.8.8 2>/dev/null
        S route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null ;;
    esac
  fi
  set +f
  S brif
  for b in /sys/class/net/*/brif/*; do [ -e "$b" ] && echo "$b"; done
  for l in /sys/class/net/*/device /sys/class/net/*/device/driver/module; do [ -e "$l" ] && LL="$LL $l"; done
  set -f
fi

if [ -n "$w_hardware" ]; then
  mf=/etc/mtab; [ -e $mf ] || mf=/proc/mounts
  # statfs of a network filesystem can hang: timeout unless every mount is a local one.
  lo=1
  set --
  while read -r d m t o r; do
    case $t in none) continue;; esac
    case $d in /*|\\*|*:/*) ;; *) continue;; esac
    case $m in *\\*) continue;; esac
    case $t in
      ext2|ext3|ext4|xfs|btrfs|vfat|msdos|exfat|ntfs|ntfs3|f2fs|jfs|reiserfs|zfs|iso9660|udf|squashfs|erofs|overlay|tmpfs|hfsplus|nilfs2|bcachefs) ;;
      *) lo=;;
    esac
    set -- "$@" "$m"
  done <$mf
  if [ $# -gt 0 ]; then
    S statfs
    if [ -n "$lo" ] && [ -z "$P" ]; then stat -f -c '%S %s %b %a %c %d %n' -- "$@" 2>/dev/null
    else to stat -f -c '%S %s %b %a %c %d %n' -- "$@" 2>/dev/null; fi
    echo "@@rc $?"
  fi
  if [ -d /dev/disk/by-uuid ]; then
    if [ -n "$P" ]; then
      S byuuid; ls -l /dev/disk/by-uuid 2>/dev/null
    else
      set +f
      for l in /dev/disk/by-uuid/*; do [ -L "$l" ] && LL="$LL $l"; done
      set -f
    fi
  fi
fi

if [ -n "$LL" ]; then
  if [ -n "$P" ]; then S netlinks; else S links; fi
  ls -ld $LL 2>/dev/null
fi
S end
`;

export interface GatherCommandOptions {
  /**
   * Run the commands (uname, id, getent, ip three times, ls, timeout) even where shell
   * builtins and files answer: the slower way, kept so tests can check both agree.
   */
  processes?: boolean;
}

/**
 * The command line that runs the gathering script for the given collectors: the script
 * itself after a `set --` of its arguments. Connection.exec runs a command line with /bin/sh
 * in a subshell of its own, so no `sh -c` (one more process) is needed around it.
 */
export function buildGatherCommand(collectors: Iterable<string>, timeoutSec: number, opts: GatherCommandOptions = {}): string {
  const names = [...collectors].filter((c) => /^[a-z_0-9]+$/.test(c));
  const t = Math.max(1, Math.ceil(timeoutSec));
  return `set -- ${t}${opts.processes ? ' --processes' : ''} ${names.join(' ')}\n${GATHER_SCRIPT}`;
}
