/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif specifications. The rate cases and their expected numbers are those of
 * Xen's tools/xl/check-xl-vif-parse; errors must point into the string.
 */
#include "testutil.h"

static char *nics_of(const char *spec)
{
	char cfg[1024], *json, *start, *end, *out;

	snprintf(cfg, sizeof(cfg), "name = 'v'\nkernel = '/k'\nvif = [ \"%s\" ]\n", spec);
	json = json_of(cfg);
	start = strstr(json, "\"nics\": [\n");
	assert_non_null(start);
	start += strlen("\"nics\": [\n");
	end = strstr(start, "\n    ],");
	assert_non_null(end);
	out = strndup(start, (size_t)(end - start));
	free(json);
	return out;
}

static void expect_nic(const char *spec, const char *const *lines)
{
	char want[2048] = "        {\n", *got;
	size_t i;

	for (i = 0; lines[i]; i++) {
		strcat(want, "            ");
		strcat(want, lines[i]);
		strcat(want, lines[i + 1] ? ",\n" : "\n");
	}
	strcat(want, "        }");
	got = nics_of(spec);
	if (strcmp(got, want)) {
		print_error("spec: %s\nwant:\n%s\ngot:\n%s\n", spec, want, got);
	}
	assert_string_equal(got, want);
	free(got);
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect_vif_error(const char *spec, const char *error)
{
	char cfg[1024];

	snprintf(cfg, sizeof(cfg), "name = 'v'\nkernel = '/k'\nvif = [ '%s' ]\n", spec);
	expect_error(cfg, error);
}

static void test_defaults_and_fields(void **state)
{
	(void)state;
	expect_nic("", L("\"devid\": 0"));
	expect_nic("mac=00:16:3E:0a:0b:0c,bridge=xenbr0,ip=10.0.0.2,script=vif-bridge,model=e1000,"
		   "vifname=vif-web,backend=dd,type=ioemu,gatewaydev=eth0,mtu=9000",
		   L("\"backend_domname\": \"dd\"", "\"devid\": 0", "\"mtu\": 9000", "\"model\": \"e1000\"",
		     "\"mac\": \"00:16:3e:0a:0b:0c\"", "\"ip\": \"10.0.0.2\"", "\"bridge\": \"xenbr0\"",
		     "\"ifname\": \"vif-web\"", "\"script\": \"vif-bridge\"", "\"nictype\": \"vif_ioemu\"",
		     "\"gatewaydev\": \"eth0\""));
	expect_nic("  bridge=br1,,devid=7, trusted",
		   L("\"devid\": 7", "\"bridge\": \"br1\"", "\"trusted\": \"True\""));
	expect_nic("untrusted,type=vif", L("\"devid\": 0", "\"nictype\": \"vif\"", "\"trusted\": \"False\""));
}

static void test_rates(void **state)
{
	const char *const *r100k = L("\"devid\": 0", "\"rate_bytes_per_interval\": 100000",
				     "\"rate_interval_usecs\": 50000");

	(void)state;
	expect_nic("rate=16000000b/s", r100k);
	expect_nic("rate=16000000b/s@50ms", r100k);
	expect_nic("rate=2000000B/s", r100k);
	expect_nic("rate=2000000B/s@50ms", r100k);
	expect_nic("rate=16Kb/s", L("\"devid\": 0", "\"rate_bytes_per_interval\": 100",
				    "\"rate_interval_usecs\": 50000"));
	expect_nic("rate=2KB/s@50ms", L("\"devid\": 0", "\"rate_bytes_per_interval\": 100",
					"\"rate_interval_usecs\": 50000"));
	expect_nic("rate=16Mb/s", r100k);
	expect_nic("rate=2MB/s@50ms", r100k);
	expect_nic("rate=8Gb/s", L("\"devid\": 0", "\"rate_bytes_per_interval\": 50000000",
				   "\"rate_interval_usecs\": 50000"));
	expect_nic("rate=1GB/s@50ms", L("\"devid\": 0", "\"rate_bytes_per_interval\": 50000000",
					"\"rate_interval_usecs\": 50000"));
	expect_nic("rate=80Mb/s@1s", L("\"devid\": 0", "\"rate_bytes_per_interval\": 10000000",
				       "\"rate_interval_usecs\": 1000000"));
	expect_nic("rate=10MB/s@1s", L("\"devid\": 0", "\"rate_bytes_per_interval\": 10000000",
				       "\"rate_interval_usecs\": 1000000"));
}

static void test_rate_errors(void **state)
{
	static const char *const bad[] = {
		"rate=foo", "rate=10MB", "rate=10MB/m", "rate=10ZB", "rate=10ZB/s",
		"rate=4294967296b/s", "rate=4294967296Kb/s", "rate=0B/s", "rate=10Mb/s@foo",
		"rate=10Mb/s@10h", "rate=1B/s@4294967296us", "rate=1B/s@4294968ms", "rate=1B/s@4295s",
		"rate=1B/s@0us", "rate=4294967295GB/s@5us", "rate=4296MB/s@4294s", "rate=@",
	};
	char cfg[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xlcfg_ctx ctx;
		struct diags d;
		struct xlcfg_domain *dom;

		snprintf(cfg, sizeof(cfg), "name='v'\nkernel='/k'\nvif = [ '%s' ]\n", bad[i]);
		dom = domain_of(cfg, &d, &ctx);
		if (dom) {
			print_error("accepted: %s\n", bad[i]);
		}
		assert_null(dom);
		/* every rate error points into the value on line 3 */
		assert_non_null(strstr(ctx.first_error, "t.cfg:3:"));
		assert_non_null(strstr(ctx.first_error, "vif spec: "));
	}
	expect_vif_error("rate=10ZB/s", "t.cfg:3:17: vif spec: bad rate unit in \"10ZB/s\" (expected B/s or b/s, optionally with K, M or G)");
	expect_vif_error("rate=1B/s@10h", "t.cfg:3:22: vif spec: bad interval unit in \"1B/s@10h\" (expected s, ms or us)");
}

static void test_errors(void **state)
{
	(void)state;
	expect_vif_error("bridge=br0,mac=00:16:3e:zz:00:01", "t.cfg:3:34: vif spec: bad mac address \"00:16:3e:zz:00:01\" (expected six hex bytes like 00:16:3e:01:02:03)");
	expect_vif_error("mac=00:16:3e:00:01:02:03", "t.cfg:3:31: vif spec: junk after mac address \"00:16:3e:00:01:02:03\"");
	expect_vif_error("type=tap", "t.cfg:3:15: vif spec: type must be vif or ioemu, found \"tap\"");
	expect_vif_error("mtu=20", "t.cfg:3:14: vif spec: mtu must be a number from 68 to 65535, found \"20\"");
	expect_vif_error("devid=x", "t.cfg:3:16: vif spec: devid must be a number from 0 to 65535, found \"x\"");
}

static void test_unknown_is_warning(void **state)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_domain *dom;

	(void)state;
	dom = domain_of("name='v'\nkernel='/k'\nvif = [ 'bridge=b,colour=red' ]\n", &d, &ctx);
	assert_non_null(dom);
	assert_int_equal(ctx.warnings, 1);
	assert_string_equal(d.text, "t.cfg:3:19: warning: vif spec: unknown parameter \"colour\" (ignored)\n");
	xlcfg_domain_free(dom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_fields),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_rate_errors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unknown_is_warning),
	};

	return cmocka_run_group_tests_name("xlcfg vif specs", tests, NULL, NULL);
}
