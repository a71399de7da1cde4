/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xl.cfg lexer and parser: values, positions, +=, and every syntax
 * error with its file:line:column.
 */
#include "testutil.h"

static struct xlcfg_file *parse_ok(const char *text)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_file *f = NULL;
	int rc;

	ctx_collect(&ctx, &d, "p.cfg");
	rc = xlcfg_parse(&ctx, text, strlen(text), &f);
	if (rc) {
		print_error("input:\n%s\n%s\n", text, d.text);
	}
	assert_int_equal(rc, 0);
	assert_non_null(f);
	return f;
}

static void parse_err(const char *text, const char *error)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_file *f = NULL;
	int rc;

	ctx_collect(&ctx, &d, "p.cfg");
	rc = xlcfg_parse(&ctx, text, strlen(text), &f);
	if (!rc || strcmp(ctx.first_error, error)) {
		print_error("input:\n%s\nexpected: %s\ngot: %s\n", text, error, ctx.first_error);
	}
	assert_int_not_equal(rc, 0);
	assert_null(f);
	assert_string_equal(ctx.first_error, error);
	assert_int_equal(ctx.errors, 1);
}

static void test_atoms(void **state)
{
	struct xlcfg_file *f = parse_ok("a = 1\nb = \"two\"\nc = 'three'\nd = 0x1F; e = 010\n");
	const struct xlcfg_setting *s;

	(void)state;
	s = xlcfg_lookup(f, "a");
	assert_int_equal(s->value->kind, XLCFG_NUMBER);
	assert_string_equal(s->value->str, "1");
	assert_int_equal(s->pos.line, 1);
	assert_int_equal(s->pos.col, 1);
	assert_int_equal(s->value->pos.col, 5);
	s = xlcfg_lookup(f, "b");
	assert_int_equal(s->value->kind, XLCFG_STRING);
	assert_string_equal(s->value->str, "two");
	assert_string_equal(xlcfg_lookup(f, "c")->value->str, "three");
	s = xlcfg_lookup(f, "d");
	assert_string_equal(s->value->str, "0x1F");
	assert_int_equal(s->pos.line, 4);
	s = xlcfg_lookup(f, "e");
	assert_int_equal(s->pos.col, 11);
	assert_null(xlcfg_lookup(f, "zz"));
	assert_int_equal(f->nsettings, 5);
	xlcfg_file_free(f);
}

static void test_escapes(void **state)
{
	struct xlcfg_file *f = parse_ok("s = \"a\\\"b\\\\c\\n\\t\\x41\\101\\'\"\nq = 'it\\'s'\n");
	const struct xlcfg_setting *s = xlcfg_lookup(f, "s");

	(void)state;
	assert_string_equal(s->value->str, "a\"b\\c\n\tAA'");
	assert_non_null(s->value->cols);
	/* columns of the decoded bytes: 'a' at 6, '"' from \" at 7, 'b' at 9 */
	assert_int_equal(s->value->cols[0], 6);
	assert_int_equal(s->value->cols[1], 7);
	assert_int_equal(s->value->cols[2], 9);
	assert_string_equal(xlcfg_lookup(f, "q")->value->str, "it's");
	xlcfg_file_free(f);
}

static void test_lists(void **state)
{
	struct xlcfg_file *f = parse_ok("disk = [ 'a', \"b\",\n\n  'c', ]\n"
					"empty = []\nnested = [ [ 'x', 1 ], [] ]\nml = [\n 1,\n 2\n]\n");
	const struct xlcfg_setting *s = xlcfg_lookup(f, "disk");

	(void)state;
	assert_int_equal(s->value->kind, XLCFG_LIST);
	assert_int_equal(s->value->nitems, 3);
	assert_string_equal(s->value->items[2]->str, "c");
	assert_int_equal(s->value->items[2]->pos.line, 3);
	assert_int_equal(s->value->items[2]->pos.col, 3);
	assert_int_equal(xlcfg_lookup(f, "empty")->value->nitems, 0);
	s = xlcfg_lookup(f, "nested");
	assert_int_equal(s->value->nitems, 2);
	assert_int_equal(s->value->items[0]->kind, XLCFG_LIST);
	assert_string_equal(s->value->items[0]->items[1]->str, "1");
	assert_int_equal(xlcfg_lookup(f, "ml")->value->nitems, 2);
	xlcfg_file_free(f);
}

static void test_comments_and_separators(void **state)
{
	struct xlcfg_file *f = parse_ok("# a comment\n\n  a = 1 # trailing\n;;b=2;c='#not a comment'\n"
					"d = 4");

	(void)state;
	assert_int_equal(f->nsettings, 4);
	assert_string_equal(xlcfg_lookup(f, "c")->value->str, "#not a comment");
	assert_string_equal(xlcfg_lookup(f, "d")->value->str, "4");
	xlcfg_file_free(f);
}

static void test_override_and_append(void **state)
{
	struct xlcfg_file *f = parse_ok("a = 1\na = 2\ns = 'ab'\ns += 'cd'\nl = ['x']\nl += ['y', 'z']\n"
					"n += 'new'\ne += []\ne += []\n");
	const struct xlcfg_setting *s;

	(void)state;
	assert_string_equal(xlcfg_lookup(f, "a")->value->str, "2");
	assert_string_equal(xlcfg_lookup(f, "s")->value->str, "abcd");
	assert_true(xlcfg_lookup(f, "s")->appended);
	s = xlcfg_lookup(f, "l");
	assert_int_equal(s->value->nitems, 3);
	assert_string_equal(s->value->items[0]->str, "x");
	assert_string_equal(s->value->items[2]->str, "z");
	assert_string_equal(xlcfg_lookup(f, "n")->value->str, "new");
	assert_int_equal(xlcfg_lookup(f, "e")->value->nitems, 0);
	xlcfg_file_free(f);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	parse_err("name = 'x'\nmemory 512\n", "p.cfg:2:8: expected '=' after key \"memory\", found a number");
	parse_err("a = \n", "p.cfg:1:5: expected a value (a quoted string, a number or a [list]) for \"a\", found end of line");
	parse_err("a = 'abc\n", "p.cfg:1:5: unterminated string (strings end on the line they start)");
	parse_err("a = [ 'x' 'y' ]\n", "p.cfg:1:11: expected ',' or ']' in list of \"a\", found a string");
	parse_err("a = [ 'x',\n", "p.cfg:2:1: expected a value (a quoted string, a number or a [list]) for \"a\", found end of file");
	parse_err("a = 1 2\n", "p.cfg:1:7: expected end of line or ';' after the value of \"a\", found a number");
	parse_err("= 3\n", "p.cfg:1:1: expected a key at the start of a statement, found '='");
	parse_err("Memory = 3\n", "p.cfg:1:1: keys must start with a lower-case letter (and strings need quotes)");
	parse_err("a = -1\n", "p.cfg:1:5: unexpected character (this looks like Python, which xl.cfg is not; negative or fractional numbers need quotes)");
	parse_err("a = 1.5\n", "p.cfg:1:6: unexpected character (this looks like Python, which xl.cfg is not; negative or fractional numbers need quotes)");
	parse_err("a = 'x\\qy'\n", "p.cfg:1:7: unknown escape sequence in string");
	parse_err("a = '\\x4'\n", "p.cfg:1:6: \\x must be followed by two hex digits");
	parse_err("a = '\\x00'\n", "p.cfg:1:5: string is not valid UTF-8 or contains a NUL byte");
	parse_err("a = '\xff'\n", "p.cfg:1:5: string is not valid UTF-8 or contains a NUL byte");
	parse_err("a = 1 + 2\n", "p.cfg:1:7: unexpected '+' (only '+=' is allowed; arithmetic is not supported)");
	parse_err("a = 'x'\na += ['y']\n", "p.cfg:2:3: cannot use += to add a list to a string");
	parse_err("a = @\n", "p.cfg:1:5: unexpected character '@'");
	parse_err("a = [[[[[[[[[1]]]]]]]]]\n", "p.cfg:1:13: lists nested too deeply in value of \"a\"");
}

static void test_bounds(void **state)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_file *f = NULL;
	size_t n = XLCFG_MAX_STRING + 16, i;
	char *big = malloc(n + 16);

	(void)state;
	strcpy(big, "a = '");
	for (i = 5; i < n; i++) {
		big[i] = 'x';
	}
	strcpy(big + n, "'\n");
	ctx_collect(&ctx, &d, "b.cfg");
	assert_int_equal(xlcfg_parse(&ctx, big, strlen(big), &f), -EINVAL);
	assert_string_equal(ctx.first_error, "b.cfg:1:5: string too long (more than 65536 bytes)");
	free(big);

	ctx_collect(&ctx, &d, "b.cfg");
	assert_int_equal(xlcfg_parse(&ctx, "a=1", XLCFG_MAX_FILE + 1, &f), -EFBIG);
	assert_null(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atoms),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_comments_and_separators),
		cmocka_unit_test(test_override_and_append),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests_name("xlcfg parser", tests, NULL, NULL);
}
