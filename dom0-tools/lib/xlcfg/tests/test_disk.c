/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Disk specifications. The expected JSON objects are the ones Xen's own
 * tools/xl/check-xl-disk-parse expects for the same strings (the strings come
 * from docs/misc/xl-disk-configuration.txt), so these cases pin our parser to
 * xl's behaviour; errors must point at the bad part of the string.
 */
#include "testutil.h"

/* Returns the "disks" array of the JSON for a PV domain with disk = [ spec ]. */
static char *disks_of(const char *spec)
{
	char cfg[1024], *json, *start, *end, *out;

	snprintf(cfg, sizeof(cfg), "name = 'd'\nkernel = '/k'\ndisk = [ \"%s\" ]\n", spec);
	json = json_of(cfg);
	start = strstr(json, "\"disks\": [\n");
	assert_non_null(start);
	start += strlen("\"disks\": [\n");
	end = strstr(start, "\n    ],");
	assert_non_null(end);
	out = strndup(start, (size_t)(end - start));
	free(json);
	return out;
}

/* Builds the pretty-printed object xl prints for one disk from "key": value lines. */
static void expect_disk(const char *spec, const char *const *lines)
{
	char want[2048] = "        {\n", *got;
	size_t i;

	for (i = 0; lines[i]; i++) {
		strcat(want, "            ");
		strcat(want, lines[i]);
		strcat(want, lines[i + 1] ? ",\n" : "\n");
	}
	strcat(want, "        }");
	got = disks_of(spec);
	if (strcmp(got, want)) {
		print_error("spec: %s\nwant:\n%s\ngot:\n%s\n", spec, want, got);
	}
	assert_string_equal(got, want);
	free(got);
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_plain_disk(void **state)
{
	const char *const *want = L("\"pdev_path\": \"/dev/vg/guest-volume\"", "\"vdev\": \"hda\"",
				    "\"format\": \"raw\"", "\"readwrite\": 1");

	(void)state;
	expect_disk("/dev/vg/guest-volume,,hda", want);
	expect_disk("/dev/vg/guest-volume,raw,hda,rw", want);
	expect_disk("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume", want);
	expect_disk("raw:/dev/vg/guest-volume,hda,w", want);
}

static void test_cdrom(void **state)
{
	const char *const *want = L("\"pdev_path\": \"/root/image.iso\"", "\"vdev\": \"hdc\"",
				    "\"format\": \"raw\"", "\"removable\": 1", "\"is_cdrom\": 1");

	(void)state;
	expect_disk("/root/image.iso,,hdc,cdrom", want);
	expect_disk("/root/image.iso,,hdc,,cdrom", want);
	expect_disk("/root/image.iso,raw,hdc,devtype=cdrom", want);
	expect_disk("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso", want);
	expect_disk("raw:/root/image.iso,hdc:cdrom,ro", want);
}

static void test_backendtype(void **state)
{
	(void)state;
	expect_disk("backendtype=phy,vdev=xvdb,access=w,target=/dev/vg/guest-volume",
		    L("\"pdev_path\": \"/dev/vg/guest-volume\"", "\"vdev\": \"xvdb\"", "\"backend\": \"phy\"",
		      "\"format\": \"raw\"", "\"readwrite\": 1"));
}

static void test_empty_cdrom(void **state)
{
	const char *const *with_path = L("\"pdev_path\": \"\"", "\"vdev\": \"hdc\"", "\"format\": \"empty\"",
					 "\"removable\": 1", "\"is_cdrom\": 1");
	const char *const *without = L("\"vdev\": \"hdc\"", "\"format\": \"empty\"", "\"removable\": 1",
				       "\"is_cdrom\": 1");

	(void)state;
	expect_disk("devtype=cdrom,,,hdc", with_path);
	expect_disk(",,hdc:cdrom,r", with_path);
	expect_disk(",hdc:cdrom,r", with_path);
	expect_disk("vdev=hdc,access=r,devtype=cdrom,target=", with_path);
	expect_disk(",empty,hdc:cdrom,r", with_path);
	expect_disk("vdev=hdc,access=r,devtype=cdrom,format=empty", without);
	expect_disk("vdev=hdc,access=r,devtype=cdrom", without);
}

static void test_scripts(void **state)
{
	const char *const *iscsi = L(
		"\"pdev_path\": \"iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-examplehost\"",
		"\"vdev\": \"xvda\"", "\"format\": \"raw\"", "\"script\": \"block-iscsi\"", "\"readwrite\": 1");

	(void)state;
	expect_disk("iscsi:iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-examplehost,xvda,w",
		    iscsi);
	expect_disk("vdev=xvda,access=w,script=block-iscsi,target=iqn.2001-05.com.equallogic:0-8a0906-23fe93404-c82797962054a96d-examplehost",
		    iscsi);
	expect_disk("drbd:app01,hda,w", L("\"pdev_path\": \"app01\"", "\"vdev\": \"hda\"", "\"format\": \"raw\"",
					  "\"script\": \"block-drbd\"", "\"readwrite\": 1"));
	expect_disk("phy:/dev/sdb,xvdb,w", L("\"pdev_path\": \"/dev/sdb\"", "\"vdev\": \"xvdb\"",
					     "\"format\": \"raw\"", "\"readwrite\": 1"));
}

static void test_flags(void **state)
{
	(void)state;
	expect_disk("discard, vdev=hda, target=/some/disk/image.raw",
		    L("\"pdev_path\": \"/some/disk/image.raw\"", "\"vdev\": \"hda\"", "\"format\": \"raw\"",
		      "\"readwrite\": 1", "\"discard_enable\": \"True\""));
	expect_disk("cdrom, no-discard, vdev=hda, target=/some/disk/image.iso",
		    L("\"pdev_path\": \"/some/disk/image.iso\"", "\"vdev\": \"hda\"", "\"format\": \"raw\"",
		      "\"removable\": 1", "\"is_cdrom\": 1", "\"discard_enable\": \"False\""));
	expect_disk("trusted, vdev=hda, target=/some/disk/image.raw",
		    L("\"pdev_path\": \"/some/disk/image.raw\"", "\"vdev\": \"hda\"", "\"format\": \"raw\"",
		      "\"readwrite\": 1", "\"trusted\": \"True\""));
	expect_disk("untrusted, direct-io-safe, vdev=hda, format=qcow2, target=/a,b c",
		    L("\"pdev_path\": \"/a,b c\"", "\"vdev\": \"hda\"", "\"format\": \"qcow2\"",
		      "\"readwrite\": 1", "\"direct_io_safe\": true", "\"trusted\": \"False\""));
}

static void test_errors(void **state)
{
	(void)state;
	/* the string starts at column 10 of line 3, its text at column 11 */
	expect_error("name='d'\nkernel='/k'\ndisk = [ '/dev/x,raw2,xvda' ]\n",
		     "t.cfg:3:18: disk spec: unknown format (expected raw, qcow, qcow2, vhd, qed or empty): \"raw2\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ '/dev/x,raw,xvda,rw,more' ]\n",
		     "t.cfg:3:30: disk spec: too many positional parameters, at \"more\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ 'vdev=xvda, access=rx, target=/x' ]\n",
		     "t.cfg:3:29: disk spec: unknown access (expected ro, r, rw or w): \"rx\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ '/dev/x' ]\n",
		     "t.cfg:3:11: disk spec: no vdev given (the guest's device name, e.g. xvda)");
	expect_error("name='d'\nkernel='/k'\ndisk = [ 'vdev=xvda' ]\n",
		     "t.cfg:3:11: disk spec: no target given (and the device is not a removable CD-ROM)");
	expect_error("name='d'\nkernel='/k'\ndisk = [ 'vdev=a,colour=red,target=/x' ]\n",
		     "t.cfg:3:18: disk spec: unknown parameter \"colour\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ 'vdev=a, vdev=b, target=/x' ]\n",
		     "t.cfg:3:24: disk spec: vdev given twice, again as \"b\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ 'bad:/x,xvda' ]\n",
		     "t.cfg:3:11: disk spec: unknown deprecated prefix \"bad\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ 'vdev=a,devtype=floppy,target=/x' ]\n",
		     "t.cfg:3:26: disk spec: unknown devtype (expected cdrom or disk): \"floppy\"");
	expect_error("name='d'\nkernel='/k'\ndisk = [ \"\\x41,raw2\" ]\n",
		     "t.cfg:3:16: disk spec: unknown format (expected raw, qcow, qcow2, vhd, qed or empty): \"raw2\"");
	expect_error("name='d'\nkernel='/k'\ndisk = '/dev/x,,xvda'\n",
		     "t.cfg:3:8: \"disk\" must be a list of disk specification strings");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_disk),  cmocka_unit_test(test_cdrom),
		cmocka_unit_test(test_backendtype), cmocka_unit_test(test_empty_cdrom),
		cmocka_unit_test(test_scripts),     cmocka_unit_test(test_flags),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("xlcfg disk specs", tests, NULL, NULL);
}
