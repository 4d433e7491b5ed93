package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSample is CPU time used so far by the server (when its pid is known),
// by sbbench itself, and by the whole machine, read from /proc on Linux.
// Comparing two samples tells how the cores were shared during a run: on a
// small machine the load generator competes with the server, and any other
// busy process shows up as "other".
type cpuSample struct {
	at                 time.Time
	server, self       time.Duration
	busy, total        float64 // machine-wide jiffies from /proc/stat
	steal              float64 // of busy: time the hypervisor gave to other machines
	cores              int     // cpuN lines in /proc/stat
	serverOK, systemOK bool
}

func sampleCPU(pid int) cpuSample {
	s := cpuSample{at: time.Now()}
	if pid > 0 {
		s.server, s.serverOK = procCPU(pid)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	s.busy, s.total, s.steal, s.cores, s.systemOK = systemCPU()
	return s
}

// clockTicks is USER_HZ, which is 100 on every Linux architecture Go
// supports.
const clockTicks = 100

// procCPU returns utime+stime of a process from /proc/PID/stat.
func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name may contain spaces; fields resume after its ")".
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	// After ")" come state (field 3) … utime (14) and stime (15).
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * time.Second / clockTicks, true
}

// systemCPU returns busy, total and stolen jiffies over all cores from
// /proc/stat, and the number of cores.
func systemCPU() (busy, total, steal float64, cores int, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0, 0, false
	}
	line, rest, _ := strings.Cut(string(b), "\n")
	for l := range strings.Lines(rest) {
		if len(l) > 3 && strings.HasPrefix(l, "cpu") && l[3] >= '0' && l[3] <= '9' {
			cores++
		}
	}
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" || cores == 0 {
		return 0, 0, 0, 0, false
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, 0, 0, 0, false
		}
		// user nice system idle iowait irq softirq steal guest guest_nice;
		// guest time is already counted in user.
		if i >= 8 {
			break
		}
		total += n
		if i != 3 && i != 4 {
			busy += n
		}
		if i == 7 {
			steal = n
		}
	}
	return busy, total, steal, cores, true
}

// cpuReport describes the CPU used between a and b for n requests as
// space-separated key=value fields, or "" when nothing could be read.
func cpuReport(a, b cpuSample, n int) string {
	wall := b.at.Sub(a.at)
	var parts []string
	server := b.server - a.server
	self := b.self - a.self
	if a.serverOK && b.serverOK {
		parts = append(parts, fmt.Sprintf("server_cpu_s=%.2f", server.Seconds()))
		if n > 0 {
			parts = append(parts, fmt.Sprintf("server_cpu_us_per_req=%.0f", float64(server.Microseconds())/float64(n)))
		}
	}
	parts = append(parts, fmt.Sprintf("sbbench_cpu_s=%.2f", self.Seconds()))
	if a.systemOK && b.systemOK && b.total > a.total {
		busyFrac := (b.busy - a.busy) / (b.total - a.total)
		cores := float64(b.cores)
		parts = append(parts, fmt.Sprintf("machine_busy_pct=%.0f", 100*busyFrac))
		if a.serverOK && b.serverOK {
			other := busyFrac*cores*wall.Seconds() - server.Seconds() - self.Seconds()
			parts = append(parts, fmt.Sprintf("other_cpu_s=%.2f", max(other, 0)))
		}
		// Stolen time is part of other: cores the hypervisor lent away.
		parts = append(parts, fmt.Sprintf("steal_cpu_s=%.2f", (b.steal-a.steal)/float64(clockTicks)))
	}
	return strings.Join(parts, " ")
}
