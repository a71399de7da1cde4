/* Time as guests see it: pvclock, the wallclock, and per-vCPU one-shot and periodic timers. */
#ifndef ARGON_VTIME_H
#define ARGON_VTIME_H

#include <argon/time.h>
#include <argon/types.h>

struct vcpu;
struct domain;

/**
 * Seconds and nanoseconds since the Unix epoch of the given UTC calendar time (year >= 1970,
 * month 1-12, day 1-31), or -1 when a field is out of range.
 */
int64_t calendar_to_epoch(unsigned int year, unsigned int mon, unsigned int day, unsigned int hour,
			  unsigned int min, unsigned int sec);

/** Wall-clock time (ns since the epoch) at system time 0; from the RTC at boot, then dom0's. */
extern int64_t boot_wallclock_ns;

/**
 * Set the time of day: @secs.@nsecs since the epoch was the time at system time @system_time
 * (platform_op settime from the privileged domain). Every domain's shared_info follows.
 */
void wallclock_set(uint64_t secs, uint32_t nsecs, s_time_t system_time);

/** Publish the current pvclock parameters in @v's vcpu_info (version protocol). */
void vcpu_update_time(struct vcpu *v);

/** Publish the wallclock in @d's shared_info (version protocol). */
void domain_update_wallclock(struct domain *d);

/** Initialise @v's guest timers. */
void vcpu_timers_init(struct vcpu *v);

/** Stop and forget @v's guest timers (vCPU teardown). */
void vcpu_timers_kill(struct vcpu *v);

/** Drop the frame reference register_vcpu_info took (vCPU teardown). */
void vcpu_release_vcpu_info(struct vcpu *v);

/** The timer sub-ops of vcpu_op (VCPUOP_set/stop_periodic/singleshot_timer) for @v. */
long vcpu_op_timer(unsigned int cmd, struct vcpu *v, uint64_t arg);

/** The guest's VIRQ_TIMER: raised when a vCPU's one-shot or periodic timer expires. */
void send_timer_virq(struct vcpu *v);

#endif
