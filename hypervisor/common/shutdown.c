/* Stopping the machine and the test-exit path. */
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/shutdown.h>

/* "test-exit": report the final status to QEMU's debug-exit device (test runs only). */
static bool opt_test_exit;
boolean_param("test-exit", opt_test_exit);

bool test_exit_enabled(void)
{
	return opt_test_exit;
}

void machine_halt(unsigned int status)
{
	log_info("machine halted, status %u\n", status);
	if (opt_test_exit) {
		arch_test_exit(status);
	}
	arch_halt_forever();
}
