// SPDX-License-Identifier: GPL-2.0
/*
 * movtest - guest side of the movops runtime check.
 *
 * Runs as a child of /init in a small QEMU guest and makes the kernel
 * migrate the pages of both movable_ops users, then reports the counters
 * that prove it.  The order of the steps is what makes pages move:
 *
 *   1. zram swap is set up, and a "keeper" area filled with compressible
 *      data is pushed out into it (MADV_PAGEOUT): zsmalloc now holds it;
 *   2. a "filler" area puts memory under pressure, so part of it is
 *      swapped into zram as well;
 *   3. still under pressure, the host is asked to inflate the balloon, so
 *      balloon pages and zspages end up scattered among filler pages;
 *   4. the filler is freed, leaving holes next to them, and compaction is
 *      triggered through /proc/sys/vm/compact_memory;
 *   5. the keeper is read back from zram and checked page by page;
 *   6. in the modular guest (movops.unload given), the modules go: zram is
 *      switched off and reset, the modules holding a movable_ops user and
 *      those depending on them are removed, compaction runs once more
 *      without them, the user's module is loaded and removed a second time
 *      (an init that registers ops its exit did not give up fails then),
 *      and the other modules (the balloon driver) are removed last;
 *   7. before that second load, with movops.fault given, the registration
 *      fault: movfault.ko (tests/runtime/movfault.c) registers movable_ops
 *      for the user's page type, so the user's set_movable_ops() fails
 *      with EBUSY, and so must its module's load; what the failed load
 *      left behind is reported (the module, new CPU hotplug states, with
 *      movops.fault_zpool its zpool driver), and movfault is removed
 *      again before the second load.
 *
 * All sizes are fractions of MemAvailable, never constants (the zram
 * device is sized from MemTotal: a capacity, not a workload).
 *
 * Talking to the host: a second serial port (ttyS1 by default) carries one
 * line per message, in raw mode.  The guest asks "BALLOON <target_mb>";
 * the host answers "BALLOON-DONE <actual_mb>" (or "BALLOON-FAIL <why>")
 * once the balloon has reached the target or stopped moving.  Every report
 * line also goes to stdout (the kernel console) for people reading the log.
 *
 * Parameters come from the kernel command line:
 *   movops.probes=OPS:FUNC[,OPS:FUNC...]  migrate callbacks to count
 *   movops.ctl=ttyS1                      control port
 *   movops.keep=PCT  movops.fill=PCT  movops.balloon=PCT
 *   movops.modules=NAME[,NAME...]         modules /init loaded (load order)
 *   movops.unload=NAME[,...]              removed after the check
 *   movops.reload=NAME[,...]              then loaded and removed again
 *   movops.unload_late=NAME[,...]         removed last
 *   movops.fault=NAME                     whose load must fail while
 *                                         movfault holds its page type
 *   movops.fault_zpool=TYPE               the zpool driver NAME's init
 *                                         registers, looked for after
 *                                         that load (through movfault)
 * The paths of the modules to reload come from /etc/movops-modules, the
 * list /init loaded them from.
 *
 * Report lines (guest to host):
 *   HELLO cpus=N memtotal_kb=N memavail_kb=N uptime=S
 *   PROBE OPS FUNC ok | PROBE OPS FUNC error MESSAGE
 *   MODULE NAME loaded | MODULE NAME missing
 *   PHASE NAME uptime=S
 *   STAT WHEN NAME VALUE       (WHEN is start, before, after, unloaded or
 *                               recompacted)
 *   CHECK pages=N bad=N first_bad=N sum=HEX
 *   STEP WHAT ok | STEP WHAT error MESSAGE   (swapoff, reset, rmmod:NAME,
 *                                             insmod:NAME)
 *   FAULT NAME loaded | FAULT NAME error MESSAGE   (the load that must fail)
 *   LEFT module NAME | LEFT cpuhp STATE | LEFT zpool TYPE
 *                                            (what that failed load left)
 *   ZPOOL TYPE absent | ZPOOL TYPE unreadable MESSAGE
 *   FAULT-DONE left=N                        (all of it was looked at)
 *   CPUHP unavailable MESSAGE                (no hotplug states to compare)
 *   DONE | FAIL MESSAGE
 *
 * Each PHASE is also written to the kernel log ("movops: phase NAME"), so
 * that the host can tell in which phase a kernel warning came.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE 4096UL
#define MAX_PROBES 8
#define MAX_MODULES 16
#define MODULE_LIST "/etc/movops-modules"
/* The registration fault's module (scripts/bootcheck/fault.py puts it there). */
#define FAULT_MODULE "/lib/movops/movfault.ko"
#define FAULT_NAME "movfault"
#define CPUHP_STATES "/sys/devices/system/cpu/hotplug/states"
#define FAULT_ZPOOL_PARAM "/sys/module/" FAULT_NAME "/parameters/zpool"
#define TRACING "/sys/kernel/tracing"
#define ZRAM_SYS "/sys/block/zram0"
#define ZRAM_DEV "/dev/zram0"
/* Bytes of each data page that are pseudo-random; the rest compresses to
 * almost nothing but is not one repeated word (zram would store such a
 * "same-filled" page without zsmalloc). */
#define RANDOM_BYTES 1024

static int ctl_fd = -1;

struct probe {
	char ops[64];
	char func[128];
};

static struct probe probes[MAX_PROBES];
static int nprobes;

struct names {
	char name[MAX_MODULES][64];
	int n;
};

static struct names modules, unload, reload, unload_late, fault, fault_zpool;
static char ctl_name[64] = "ttyS1";
/*
 * Shares of MemAvailable.  With a balloon of 30%, two runs in three on a
 * 512 MB guest ran so short that zram's own allocation failed while the
 * balloon inflated ("page allocation failure", "Write-error on
 * swap-device"); with 25% none did in a dozen runs, and each user still
 * had thousands of pages migrated.
 */
static int keep_pct = 25, fill_pct = 120, balloon_pct = 25;

static double uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One report line: to the control port and to the console. */
static void report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (ctl_fd >= 0) {
		const char *p = buf;
		int left = n;

		while (left > 0) {
			ssize_t w = write(ctl_fd, p, left);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			p += w;
			left -= w;
		}
		tcdrain(ctl_fd);
	}
	printf("movtest: %.*s", n, buf);
	fflush(stdout);
}

static void fail(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report("FAIL %s", buf);
	exit(1);
}

static int write_file(const char *path, const char *text, int append)
{
	int fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, text, strlen(text));
	if (w < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

/* Whole small file into BUF (NUL-terminated); length or -errno. */
static long read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < size - 1) {
		ssize_t r = read(fd, buf + got, size - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	buf[got] = 0;
	close(fd);
	return got;
}

static long meminfo_kb(const char *key)
{
	static char buf[8192];
	char *p;
	size_t klen = strlen(key);

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		fail("cannot read /proc/meminfo");
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return strtol(p + klen + 1, NULL, 10);
	}
	fail("no %s in /proc/meminfo", key);
	return 0;
}

/* A report line, and a mark in the kernel log: a warning between two marks
 * happened in that phase.  /dev/kmsg is opened for each mark because its
 * rate limit counts per open file. */
static void phase(const char *name)
{
	char mark[128];

	report("PHASE %s uptime=%.2f", name, uptime());
	snprintf(mark, sizeof(mark), "<5>movops: phase %s\n", name);
	write_file("/dev/kmsg", mark, 0);
}

/* -- parameters ---------------------------------------------------------- */

static void parse_probes(const char *val)
{
	char tmp[1024], *save = NULL, *item;

	snprintf(tmp, sizeof(tmp), "%s", val);
	for (item = strtok_r(tmp, ",", &save); item && nprobes < MAX_PROBES;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');

		if (!colon)
			continue;
		*colon = 0;
		snprintf(probes[nprobes].ops, sizeof(probes[0].ops), "%s", item);
		snprintf(probes[nprobes].func, sizeof(probes[0].func), "%s", colon + 1);
		nprobes++;
	}
}

static void parse_names(const char *val, struct names *out)
{
	char tmp[1024], *save = NULL, *item;

	snprintf(tmp, sizeof(tmp), "%s", val);
	for (item = strtok_r(tmp, ",", &save); item && out->n < MAX_MODULES;
	     item = strtok_r(NULL, ",", &save))
		snprintf(out->name[out->n++], sizeof(out->name[0]), "%s", item);
}

static void parse_cmdline(void)
{
	char buf[4096], *save = NULL, *tok;

	if (read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		fail("cannot read /proc/cmdline");
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "movops.probes=", 14))
			parse_probes(tok + 14);
		else if (!strncmp(tok, "movops.ctl=", 11))
			snprintf(ctl_name, sizeof(ctl_name), "%s", tok + 11);
		else if (!strncmp(tok, "movops.keep=", 12))
			keep_pct = atoi(tok + 12);
		else if (!strncmp(tok, "movops.fill=", 12))
			fill_pct = atoi(tok + 12);
		else if (!strncmp(tok, "movops.balloon=", 15))
			balloon_pct = atoi(tok + 15);
		else if (!strncmp(tok, "movops.modules=", 15))
			parse_names(tok + 15, &modules);
		else if (!strncmp(tok, "movops.unload=", 14))
			parse_names(tok + 14, &unload);
		else if (!strncmp(tok, "movops.reload=", 14))
			parse_names(tok + 14, &reload);
		else if (!strncmp(tok, "movops.unload_late=", 19))
			parse_names(tok + 19, &unload_late);
		else if (!strncmp(tok, "movops.fault=", 13))
			parse_names(tok + 13, &fault);
		else if (!strncmp(tok, "movops.fault_zpool=", 19))
			parse_names(tok + 19, &fault_zpool);
	}
}

/* -- control port ---------------------------------------------------------- */

static void open_ctl(void)
{
	char path[96];
	struct termios t;

	snprintf(path, sizeof(path), "/dev/%s", ctl_name);
	ctl_fd = open(path, O_RDWR | O_NOCTTY);
	if (ctl_fd < 0)
		fail("cannot open control port %s: %s", path, strerror(errno));
	if (tcgetattr(ctl_fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetspeed(&t, B115200);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(ctl_fd, TCSANOW, &t);
	}
	tcflush(ctl_fd, TCIFLUSH);
}

/* Next line from the host, without the newline; fails after TIMEOUT s. */
static void read_ctl_line(char *line, size_t size, int timeout)
{
	size_t len = 0;
	double deadline = uptime() + timeout;

	for (;;) {
		struct pollfd pfd = { .fd = ctl_fd, .events = POLLIN };
		int left = (int)((deadline - uptime()) * 1000);
		char c;
		ssize_t r;

		if (left <= 0)
			fail("no answer from the host after %d s", timeout);
		if (poll(&pfd, 1, left) <= 0)
			continue;
		r = read(ctl_fd, &c, 1);
		if (r <= 0)
			continue;
		if (c == '\r')
			continue;
		if (c == '\n') {
			if (len == 0)
				continue;
			line[len] = 0;
			return;
		}
		if (len < size - 1)
			line[len++] = c;
	}
}

/* -- counters -------------------------------------------------------------- */

static void report_vmstat(const char *when)
{
	static const char *const keys[] = {
		"balloon_inflate", "balloon_deflate", "balloon_migrate",
		"pgmigrate_success", "pgmigrate_fail",
		"compact_migrate_scanned", "compact_free_scanned", "compact_isolated",
		"pswpin", "pswpout", NULL,
	};
	static char buf[16384];
	int i;

	if (read_file("/proc/vmstat", buf, sizeof(buf)) < 0)
		fail("cannot read /proc/vmstat");
	for (i = 0; keys[i]; i++) {
		size_t klen = strlen(keys[i]);
		char *p = buf;
		int found = 0;

		while (p && *p) {
			if (!strncmp(p, keys[i], klen) && p[klen] == ' ') {
				report("STAT %s vmstat:%s %ld", when, keys[i], strtol(p + klen, NULL, 10));
				found = 1;
				break;
			}
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
		if (!found)
			report("STAT %s vmstat:%s missing", when, keys[i]);
	}
}

static void report_kprobes(const char *when)
{
	static char buf[8192];
	int i;

	if (read_file(TRACING "/kprobe_profile", buf, sizeof(buf)) < 0) {
		for (i = 0; i < nprobes; i++)
			report("STAT %s kprobe:%s missing", when, probes[i].ops);
		return;
	}
	for (i = 0; i < nprobes; i++) {
		char *p = buf, name[96];
		int found = 0;

		while (p && *p) {
			unsigned long hits, missed;

			if (sscanf(p, " %95s %lu %lu", name, &hits, &missed) == 3) {
				const char *n = strchr(name, '/') ? strchr(name, '/') + 1 : name;

				if (!strcmp(n, probes[i].ops)) {
					report("STAT %s kprobe:%s %lu", when, probes[i].ops, hits);
					found = 1;
					break;
				}
			}
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
		if (!found)
			report("STAT %s kprobe:%s missing", when, probes[i].ops);
	}
}

static void report_zram(const char *when)
{
	char buf[512];
	unsigned long long orig, compr, used;

	if (read_file(ZRAM_SYS "/mm_stat", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu %llu %llu", &orig, &compr, &used) == 3) {
		report("STAT %s zram:orig_pages %llu", when, orig / PAGE);
		report("STAT %s zram:zsmalloc_pages %llu", when, used / PAGE);
	}
	report("STAT %s meminfo:MemFree_kb %ld", when, meminfo_kb("MemFree"));
	report("STAT %s meminfo:SwapUsed_kb %ld", when,
	       meminfo_kb("SwapTotal") - meminfo_kb("SwapFree"));
}

static void report_all(const char *when)
{
	report_vmstat(when);
	report_kprobes(when);
	report_zram(when);
}

/* -- modules --------------------------------------------------------------- */

static int module_loaded(const char *name)
{
	static char buf[16384];
	size_t len = strlen(name);
	char *p;

	if (read_file("/proc/modules", buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, name, len) && p[len] == ' ')
			return 1;
	}
	return 0;
}

static void report_modules(void)
{
	int i;

	for (i = 0; i < modules.n; i++)
		report("MODULE %s %s", modules.name[i],
		       module_loaded(modules.name[i]) ? "loaded" : "missing");
}

static void step(const char *what, const char *name, int err)
{
	char label[128];

	snprintf(label, sizeof(label), "%s%s%s", what, name ? ":" : "", name ? name : "");
	if (err)
		report("STEP %s error %s", label, strerror(err));
	else
		report("STEP %s ok", label);
}

static int rmmod(const char *name)
{
	/* O_NONBLOCK: a module still in use fails at once (EWOULDBLOCK)
	 * instead of making us wait for its last user. */
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

/* Load the module file PATH; 0 or the errno (the init's own error). */
static int insmod_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

/* Load module NAME again from the path /init loaded it from. */
static int insmod(const char *name)
{
	static char list[4096];
	char *line, *save = NULL;

	if (read_file(MODULE_LIST, list, sizeof(list)) < 0)
		return ENOENT;
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		char mod[64];
		size_t i;

		snprintf(mod, sizeof(mod), "%s", base);
		if (strstr(mod, ".ko"))
			*strstr(mod, ".ko") = 0;
		for (i = 0; mod[i]; i++)
			if (mod[i] == '-')
				mod[i] = '_';
		if (strcmp(mod, name))
			continue;
		return insmod_path(line);
	}
	return ENOENT;
}

/* -- setup ----------------------------------------------------------------- */

static void setup_probes(void)
{
	int i;

	for (i = 0; i < nprobes; i++) {
		char def[512], path[512];
		int err;

		snprintf(def, sizeof(def), "p:movops/%.63s %.127s\n", probes[i].ops, probes[i].func);
		err = write_file(TRACING "/kprobe_events", def, 1);
		if (!err) {
			snprintf(path, sizeof(path), TRACING "/events/movops/%.63s/enable",
				 probes[i].ops);
			err = write_file(path, "1", 0);
		}
		if (err)
			report("PROBE %s %s error %s", probes[i].ops, probes[i].func,
			       strerror(-err));
		else
			report("PROBE %s %s ok", probes[i].ops, probes[i].func);
	}
	/* The hit counts are all we need: keep the ring buffer out of it. */
	write_file(TRACING "/tracing_on", "0", 0);
}

/* A version 1 swap header, as mkswap writes it. */
static void make_swap(const char *dev, unsigned long long bytes)
{
	static unsigned char page[PAGE];
	uint32_t version = 1, last_page = bytes / PAGE - 1, nbad = 0;
	int fd = open(dev, O_WRONLY);

	if (fd < 0)
		fail("cannot open %s: %s", dev, strerror(errno));
	memset(page, 0, sizeof(page));
	memcpy(page + 1024, &version, 4);
	memcpy(page + 1028, &last_page, 4);
	memcpy(page + 1032, &nbad, 4);
	memcpy(page + 1036, "movops-runtime-1", 16);	/* uuid: any 16 bytes */
	memcpy(page + PAGE - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, PAGE, 0) != (ssize_t)PAGE)
		fail("cannot write the swap header: %s", strerror(errno));
	fsync(fd);
	close(fd);
}

static void setup_zram(long memtotal_kb)
{
	unsigned long long bytes = (unsigned long long)memtotal_kb * 1024 * 2;
	char num[32];
	int err;

	snprintf(num, sizeof(num), "%llu", bytes);
	err = write_file(ZRAM_SYS "/disksize", num, 0);
	if (err)
		fail("cannot size zram0: %s", strerror(-err));
	make_swap(ZRAM_DEV, bytes);
	if (swapon(ZRAM_DEV, 0) < 0)
		fail("swapon %s: %s", ZRAM_DEV, strerror(errno));
}

/* -- data ------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

/* The content of data page IDX of area SEED: reproducible, so a page can be
 * checked without keeping a copy. */
static void fill_page(uint64_t *p, uint64_t seed, uint64_t idx)
{
	uint64_t s = mix(seed ^ (idx * 0x9e3779b97f4a7c15ULL)) | 1;
	size_t i, nrand = RANDOM_BYTES / 8, n = PAGE / 8;

	p[0] = idx;
	for (i = 1; i < nrand; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[i] = s;
	}
	for (; i < n; i++)
		p[i] = (i & 7) == 0 ? idx : 0;
}

static char *map_area(size_t bytes, const char *what)
{
	char *a = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		fail("cannot map %zu MB for the %s: %s", bytes >> 20, what, strerror(errno));
	return a;
}

static void write_area(char *a, size_t pages, uint64_t seed)
{
	size_t i;

	for (i = 0; i < pages; i++)
		fill_page((uint64_t *)(a + i * PAGE), seed, i);
}

static void check_area(char *a, size_t pages, uint64_t seed)
{
	static uint64_t want[PAGE / 8];
	size_t i, bad = 0;
	long first_bad = -1;
	uint64_t sum = 0;

	for (i = 0; i < pages; i++) {
		const uint64_t *p = (const uint64_t *)(a + i * PAGE);
		size_t j;

		fill_page(want, seed, i);
		if (memcmp(p, want, PAGE)) {
			if (first_bad < 0)
				first_bad = i;
			bad++;
		}
		for (j = 0; j < PAGE / 8; j++)
			sum = mix(sum + p[j]);
	}
	report("CHECK pages=%zu bad=%zu first_bad=%ld sum=%016llx", pages, bad, first_bad,
	       (unsigned long long)sum);
}

static void compact(void)
{
	if (write_file("/proc/sys/vm/compact_memory", "1", 0))
		fail("cannot write /proc/sys/vm/compact_memory");
}

/*
 * The registration fault (see the top): movfault holds the page type of
 * module NAME's movable_ops, so loading NAME must fail, and leave nothing
 * behind.  The module list is looked at first, then the zpool driver,
 * then the hotplug states: a driver or a state left by a module that is
 * gone lies in its freed memory, and looking at it may well oops (the
 * guest runs with oops=panic, so the first one found ends the run).
 */
/*
 * Whether a zpool driver of TYPE is registered, asked through movfault's
 * parameter (movfault.c) by a child: a driver left behind by the failed
 * load lies in freed memory, and the kernel may kill the reader.  1 when
 * one is left (or the reader was killed), 0 when none is.
 */
static int zpool_left(const char *type)
{
	static char buf[128];
	long got;
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		got = read_file(FAULT_ZPOOL_PARAM, buf, sizeof(buf));
		if (got < 0) {
			report("ZPOOL %s unreadable %s", type, strerror(-got));
			_exit(2);
		}
		_exit(strncmp(buf, type, strlen(type)) || strcmp(buf + strlen(type), " 0\n"));
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		report("ZPOOL %s unreadable %s", type, strerror(errno));
		return 0;
	}
	if (WIFSIGNALED(status)) {
		report("LEFT zpool %s (reading it killed the reader: signal %d)", type,
		       WTERMSIG(status));
		return 1;
	}
	if (WEXITSTATUS(status) == 1) {
		report("LEFT zpool %s", type);
		return 1;
	}
	if (WEXITSTATUS(status) == 0)
		report("ZPOOL %s absent", type);
	return 0;
}

static void registration_fault(const char *name)
{
	static char before[16384], after[16384];
	char *line, *save = NULL;
	long have;
	int err, left = 0;

	phase("fault");
	have = read_file(CPUHP_STATES, before, sizeof(before));
	if (have < 0)
		report("CPUHP unavailable %s", strerror(-have));
	step("insmod", FAULT_NAME, insmod_path(FAULT_MODULE));
	err = insmod(name);
	if (err)
		report("FAULT %s error %s", name, strerror(err));
	else
		report("FAULT %s loaded", name);
	if (module_loaded(name)) {
		report("LEFT module %s", name);
		left++;
		/* Out of the way of the second load, whatever it proves. */
		rmmod(name);
	}
	if (fault_zpool.n)
		left += zpool_left(fault_zpool.name[0]);
	if (have >= 0 && read_file(CPUHP_STATES, after, sizeof(after)) >= 0) {
		for (line = strtok_r(after, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *p;

			if (strstr(before, line))
				continue;
			for (p = line; *p; p++)
				if (!isprint((unsigned char)*p))
					*p = '?';
			while (*line == ' ')
				line++;
			report("LEFT cpuhp %s", line);
			left++;
		}
	}
	report("FAULT-DONE left=%d", left);
	step("rmmod", FAULT_NAME, rmmod(FAULT_NAME));
}

/*
 * The modular guest's last phases (see the top).  The kprobes go first: a
 * probe in a module that goes away is only disarmed by the kernel, and the
 * counts that matter were reported already.
 */
static void unload_modules(void)
{
	int i;

	if (!unload.n && !unload_late.n)
		return;
	phase("unload");
	write_file(TRACING "/events/movops/enable", "0", 0);
	write_file(TRACING "/kprobe_events", "", 0);	/* O_TRUNC: all go */
	step("swapoff", NULL, swapoff(ZRAM_DEV) ? errno : 0);
	step("reset", "zram0", -write_file(ZRAM_SYS "/reset", "1", 0));
	for (i = 0; i < unload.n; i++)
		step("rmmod", unload.name[i], rmmod(unload.name[i]));
	report_vmstat("unloaded");

	phase("recompact");
	compact();
	phase("recompacted");
	report_vmstat("recompacted");

	if (fault.n)
		registration_fault(fault.name[0]);
	if (reload.n) {
		phase("reload");
		for (i = 0; i < reload.n; i++)
			step("insmod", reload.name[i], insmod(reload.name[i]));
		for (i = reload.n - 1; i >= 0; i--)
			step("rmmod", reload.name[i], rmmod(reload.name[i]));
	}
	if (unload_late.n) {
		phase("unload-late");
		for (i = 0; i < unload_late.n; i++)
			step("rmmod", unload_late.name[i], rmmod(unload_late.name[i]));
	}
}

/* Kernel log lines that mean trouble, as seen from inside. */
static void report_kmsg(void)
{
	static char rec[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	int warnings = 0, bugs = 0;

	if (fd < 0) {
		report("KMSG unavailable %s", strerror(errno));
		return;
	}
	for (;;) {
		ssize_t r = read(fd, rec, sizeof(rec) - 1);

		if (r < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip them */
		if (r <= 0)
			break;
		rec[r] = 0;
		if (strstr(rec, "WARNING:"))
			warnings++;
		if (strstr(rec, "BUG:") || strstr(rec, "Oops") || strstr(rec, "kernel BUG"))
			bugs++;
	}
	close(fd);
	report("KMSG warnings=%d bugs=%d", warnings, bugs);
}

int main(void)
{
	long total_kb, avail_kb, avail0_kb, keep_pages, fill_pages, target_mb;
	char *keeper, *filler, line[256];
	const uint64_t keep_seed = 0x6b656570ULL, fill_seed = 0x66696c6cULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_cmdline();
	open_ctl();
	total_kb = meminfo_kb("MemTotal");
	avail0_kb = avail_kb = meminfo_kb("MemAvailable");
	report("HELLO cpus=%d memtotal_kb=%ld memavail_kb=%ld uptime=%.2f",
	       get_nprocs(), total_kb, avail_kb, uptime());
	report_modules();

	/* Only the compaction we trigger should move pages. */
	write_file("/proc/sys/vm/compaction_proactiveness", "0", 0);
	setup_probes();
	setup_zram(total_kb);
	report_all("start");

	phase("keeper");
	keep_pages = avail_kb * keep_pct / 100 / 4;
	keeper = map_area(keep_pages * PAGE, "keeper");
	write_area(keeper, keep_pages, keep_seed);
	if (madvise(keeper, keep_pages * PAGE, MADV_PAGEOUT))
		report("NOTE madvise(MADV_PAGEOUT): %s", strerror(errno));

	phase("filler");
	avail_kb = meminfo_kb("MemAvailable");
	fill_pages = avail_kb * fill_pct / 100 / 4;
	filler = map_area(fill_pages * PAGE, "filler");
	write_area(filler, fill_pages, fill_seed);

	phase("balloon");
	/* The balloon takes a share of what was available at the start: the
	 * memory the guest itself does not need, whatever its size. */
	target_mb = (total_kb - avail0_kb * balloon_pct / 100) / 1024;
	report("BALLOON %ld", target_mb);
	read_ctl_line(line, sizeof(line), 600);
	if (strncmp(line, "BALLOON-DONE", 12))
		fail("host could not inflate the balloon: %s", line);
	report("NOTE host says %s", line);

	phase("free");
	munmap(filler, fill_pages * PAGE);
	report_all("before");

	phase("compact");
	compact();
	phase("compacted");
	report_all("after");

	phase("check");
	check_area(keeper, keep_pages, keep_seed);
	unload_modules();
	report_kmsg();
	report("DONE uptime=%.2f", uptime());
	return 0;
}
