/*
 * Tests of libvigie's C interface, from C: every function, every error path,
 * and one scanner shared by many threads. Run by tests/c/run under valgrind
 * and with AddressSanitizer and UndefinedBehaviorSanitizer.
 *
 * Usage: test_vigie FIXTURES_DIR
 * Exit status 0 when every check passed, 1 otherwise.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigie.h>

static int checks = 0;
static int failures = 0;
static const char *fixtures = NULL;

#define CHECK(cond)                                                            \
    do {                                                                       \
        checks++;                                                              \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

/* A call that must succeed; on failure, say why. */
#define CHECK_OK(call)                                                         \
    do {                                                                       \
        vigie_result result_ = (call);                                         \
        checks++;                                                              \
        if (result_ != VIGIE_RESULT_OK) {                                      \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__,  \
                    #call, vigie_result_str(result_), vigie_last_error());     \
        }                                                                      \
    } while (0)

/* A literal with its length, for the (pointer, length) arguments. */
#define LIT(s) (s), (sizeof(s) - 1)

/* Does a vigie_str hold exactly `expected`, followed by its NUL? */
static int str_is(vigie_str s, const char *expected) {
    size_t len = strlen(expected);
    return s.data != NULL && s.len == len && memcmp(s.data, expected, len) == 0
        && s.data[len] == '\0';
}

static int str_has(vigie_str s, const char *needle) {
    return s.data != NULL && s.data[s.len] == '\0' && strstr(s.data, needle) != NULL;
}

static int last_error_has(const char *needle) {
    return strstr(vigie_last_error(), needle) != NULL;
}

/* Reads a fixture into memory; the caller frees it. */
static unsigned char *read_fixture(const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read fixture %s\n", path);
        exit(2);
    }
    fclose(file);
    *len = (size_t)size;
    return data;
}

static vigie_scanner *default_scanner(void) {
    vigie_scanner *scanner = NULL;
    CHECK_OK(vigie_scanner_new(NULL, 0, &scanner));
    if (scanner == NULL) {
        fprintf(stderr, "cannot make a scanner: %s\n", vigie_last_error());
        exit(2);
    }
    return scanner;
}

static void test_version_and_names(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", VIGIE_VERSION_MAJOR,
             VIGIE_VERSION_MINOR, VIGIE_VERSION_PATCH);
    CHECK(strcmp(vigie_version(), expected) == 0);

    CHECK(strcmp(vigie_result_str(VIGIE_RESULT_OK), "success") == 0);
    for (unsigned int code = VIGIE_RESULT_OK; code <= VIGIE_RESULT_OTHER; code++) {
        CHECK(strlen(vigie_result_str(code)) > 0);
        CHECK(strcmp(vigie_result_str(code), "unknown result") != 0);
    }
    /* An error the header does not name is not called a bug. */
    CHECK(strstr(vigie_result_str(VIGIE_RESULT_OTHER), "internal") == NULL);
    CHECK(strcmp(vigie_result_str(VIGIE_RESULT_OTHER + 1), "unknown result") == 0);
    CHECK(strcmp(vigie_result_str(0xFFFFFFFFu), "unknown result") == 0);

    CHECK(strcmp(vigie_verdict_str(VIGIE_VERDICT_ALLOW), "allow") == 0);
    CHECK(strcmp(vigie_verdict_str(VIGIE_VERDICT_WARN), "warn") == 0);
    CHECK(strcmp(vigie_verdict_str(VIGIE_VERDICT_BLOCK), "block") == 0);
    CHECK(strcmp(vigie_verdict_str(3), "unknown") == 0);
    CHECK(strcmp(vigie_status_str(VIGIE_STATUS_COMPLETE), "complete") == 0);
    CHECK(strcmp(vigie_status_str(VIGIE_STATUS_PARTIAL), "partial") == 0);
    CHECK(strcmp(vigie_status_str(VIGIE_STATUS_UNSCANNABLE), "unscannable") == 0);
    CHECK(strcmp(vigie_status_str(99), "unknown") == 0);
    CHECK(strcmp(vigie_kind_str(VIGIE_KIND_MARKING), "marking") == 0);
    CHECK(strcmp(vigie_kind_str(VIGIE_KIND_PII), "pii") == 0);
    CHECK(strcmp(vigie_kind_str(VIGIE_KIND_SECRET), "secret") == 0);
    CHECK(strcmp(vigie_kind_str(VIGIE_KIND_CUSTOM), "custom") == 0);
    CHECK(strcmp(vigie_kind_str(4), "unknown") == 0);
    CHECK(strcmp(vigie_confidence_str(VIGIE_CONFIDENCE_LOW), "low") == 0);
    CHECK(strcmp(vigie_confidence_str(VIGIE_CONFIDENCE_MEDIUM), "medium") == 0);
    CHECK(strcmp(vigie_confidence_str(VIGIE_CONFIDENCE_HIGH), "high") == 0);
    CHECK(strcmp(vigie_confidence_str(3), "unknown") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_BODY), "body") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_HEADER), "header") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_FOOTER), "footer") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_NOTES), "notes") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_COMMENT), "comment") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_METADATA), "metadata") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_LABEL), "label") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_OCR), "ocr") == 0);
    CHECK(strcmp(vigie_part_str(VIGIE_PART_HIDDEN), "hidden") == 0);
    CHECK(strcmp(vigie_part_str(9), "unknown") == 0);
    CHECK(strcmp(vigie_problem_code_str(VIGIE_PROBLEM_CODE_ENCRYPTED), "encrypted") == 0);
    CHECK(strcmp(vigie_problem_code_str(VIGIE_PROBLEM_CODE_LIMIT), "limit") == 0);
    CHECK(strcmp(vigie_problem_code_str(VIGIE_PROBLEM_CODE_CORRUPT), "corrupt") == 0);
    CHECK(strcmp(vigie_problem_code_str(VIGIE_PROBLEM_CODE_UNSUPPORTED), "unsupported") == 0);
    CHECK(strcmp(vigie_problem_code_str(VIGIE_PROBLEM_CODE_OCR_UNAVAILABLE),
                 "ocr-unavailable") == 0);
    CHECK(strcmp(vigie_problem_code_str(5), "unknown") == 0);
}

static void test_marked_message(void) {
    vigie_scanner *scanner = default_scanner();
    vigie_report *report = NULL;
    CHECK_OK(vigie_scan_text(scanner, LIT("DIFFUSION RESTREINTE\nNote au cabinet du préfet."),
                             &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    CHECK(vigie_report_get_status(report) == VIGIE_STATUS_COMPLETE);
    CHECK(str_is(vigie_report_get_source(report), ""));
    CHECK(vigie_report_get_finding_count(report) == 1);
    CHECK(vigie_report_get_problem_count(report) == 0);

    const vigie_finding *finding = NULL;
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_is(vigie_finding_get_rule(finding), "fr.diffusion-restreinte"));
    CHECK(vigie_finding_get_kind(finding) == VIGIE_KIND_MARKING);
    CHECK(vigie_finding_get_level(finding) == 2);
    CHECK(vigie_finding_get_confidence(finding) == VIGIE_CONFIDENCE_HIGH);
    CHECK(vigie_finding_get_reason(finding).len > 0);
    CHECK(vigie_finding_get_start(finding) == 0);
    CHECK(vigie_finding_get_end(finding) == 20);
    CHECK(vigie_finding_get_page(finding) == 0);
    CHECK(vigie_finding_get_part(finding) == VIGIE_PART_BODY);
    CHECK(str_is(vigie_finding_get_path(finding), ""));
    CHECK(str_has(vigie_finding_get_excerpt(finding), "DIFFUSION RESTREINTE"));

    /* Past the end: an error, and the output cleared. */
    finding = (const vigie_finding *)report;
    CHECK(vigie_report_get_finding(report, 1, &finding) == VIGIE_RESULT_OUT_OF_RANGE);
    CHECK(finding == NULL);
    CHECK(last_error_has("finding 1"));
    const vigie_problem *problem = (const vigie_problem *)report;
    CHECK(vigie_report_get_problem(report, 0, &problem) == VIGIE_RESULT_OUT_OF_RANGE);
    CHECK(problem == NULL);
    CHECK(vigie_report_get_finding(report, SIZE_MAX, &finding) == VIGIE_RESULT_OUT_OF_RANGE);

    /* The report does not depend on the scanner: free the scanner first. */
    vigie_scanner_free(scanner);
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_is(vigie_finding_get_rule(finding), "fr.diffusion-restreinte"));
    vigie_report_free(report);
}

static void test_clean_and_empty_messages(void) {
    vigie_scanner *scanner = default_scanner();
    vigie_report *report = NULL;
    CHECK_OK(vigie_scan_text(scanner, LIT("Réunion diffusée à tout le service, restreinte à 20 places."),
                             &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_ALLOW);
    CHECK(vigie_report_get_status(report) == VIGIE_STATUS_COMPLETE);
    CHECK(vigie_report_get_finding_count(report) == 0);
    vigie_report_free(report);

    /* NULL with length 0 is the empty message. */
    report = NULL;
    CHECK_OK(vigie_scan_text(scanner, NULL, 0, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_ALLOW);
    vigie_report_free(report);

    /* The length is authoritative: text after a NUL byte is scanned. */
    static const char with_nul[] = "hello\0SECRET DÉFENSE\n";
    report = NULL;
    CHECK_OK(vigie_scan_text(scanner, with_nul, sizeof with_nul - 1, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    const vigie_finding *finding = NULL;
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_is(vigie_finding_get_rule(finding), "fr.secret-defense"));
    CHECK(vigie_finding_get_start(finding) == 6);
    vigie_report_free(report);
    vigie_scanner_free(scanner);
}

static void test_sensitive_data_is_masked(void) {
    vigie_scanner *scanner = default_scanner();
    vigie_report *report = NULL;
    CHECK_OK(vigie_scan_text(scanner, LIT("Mon IBAN : FR76 3000 6000 0112 3456 7890 189, merci."),
                             &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_WARN);
    CHECK(vigie_report_get_finding_count(report) == 1);
    const vigie_finding *finding = NULL;
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_is(vigie_finding_get_rule(finding), "pii.iban"));
    CHECK(vigie_finding_get_kind(finding) == VIGIE_KIND_PII);
    CHECK(vigie_finding_get_level(finding) == -1);
    CHECK(!str_has(vigie_finding_get_excerpt(finding), "3000 6000 0112 3456 7890"));
    CHECK(str_has(vigie_finding_get_excerpt(finding), "FR76"));

    char *json = NULL;
    size_t json_len = 0;
    CHECK_OK(vigie_report_to_json(report, &json, &json_len));
    CHECK(json != NULL && strlen(json) == json_len);
    CHECK(json != NULL && strstr(json, "\"verdict\":\"warn\"") != NULL);
    CHECK(json != NULL && strstr(json, "\"rule\":\"pii.iban\"") != NULL);
    CHECK(json != NULL && strstr(json, "3000 6000 0112 3456 7890") == NULL);
    vigie_string_free(json);

    /* out_len may be NULL. */
    json = NULL;
    CHECK_OK(vigie_report_to_json(report, &json, NULL));
    CHECK(json != NULL && json[0] == '{');
    vigie_string_free(json);
    vigie_report_free(report);

    report = NULL;
    CHECK_OK(vigie_scan_text(scanner,
                             LIT("token: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(vigie_finding_get_kind(finding) == VIGIE_KIND_SECRET);
    CHECK(!str_has(vigie_finding_get_excerpt(finding), "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"));
    vigie_report_free(report);
    vigie_scanner_free(scanner);
}

static void test_policies_rules_and_scopes(void) {
    static const char policy[] =
        "ceiling = 2\n"
        "[kinds]\npii = \"block\"\n"
        "[scopes.\"!secret-room:example.org\"]\nceiling = 4\n"
        "[scopes.\"!public-room:example.org\"]\nceiling = 0\n";
    vigie_scanner *scanner = NULL;
    CHECK_OK(vigie_scanner_new(LIT(policy), &scanner));
    vigie_report *report = NULL;
    CHECK_OK(vigie_scan_text(scanner, LIT("DIFFUSION RESTREINTE"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_ALLOW);
    vigie_report_free(report);
    CHECK_OK(vigie_scan_text(scanner, LIT("SECRET DÉFENSE"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    vigie_report_free(report);
    CHECK_OK(vigie_scan_text(scanner, LIT("IBAN FR76 3000 6000 0112 3456 7890 189"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    vigie_report_free(report);

    /* A scoped scanner, which outlives the scanner it came from. */
    vigie_scanner *room = NULL;
    CHECK_OK(vigie_scanner_in_scope(scanner, LIT("!secret-room:example.org"), &room));
    /* A scope the policy does not define is an error, not the default
       policy: a typo in a room id must not apply the wrong ceiling. */
    vigie_scanner *elsewhere = (vigie_scanner *)1;
    CHECK(vigie_scanner_in_scope(scanner, LIT("!no-such-room:example.org"), &elsewhere)
          == VIGIE_RESULT_INVALID_ARGUMENT);
    CHECK(elsewhere == NULL);
    CHECK(last_error_has("!no-such-room:example.org"));
    vigie_scanner_free(scanner);
    CHECK_OK(vigie_scan_text(room, LIT("SECRET DÉFENSE"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_ALLOW);
    vigie_report_free(report);
    CHECK_OK(vigie_scan_text(room, LIT("TRÈS SECRET"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    vigie_report_free(report);
    /* A scope of a scoped scanner replaces its scope. */
    vigie_scanner *back = NULL;
    CHECK_OK(vigie_scanner_in_scope(room, LIT("!public-room:example.org"), &back));
    CHECK_OK(vigie_scan_text(back, LIT("DIFFUSION RESTREINTE"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    vigie_report_free(report);
    vigie_scanner_free(back);
    /* Scoped scans of files and bytes too. */
    CHECK_OK(vigie_scan_bytes(room, (const uint8_t *)"SECRET DÉFENSE", 15, NULL, 0, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_ALLOW);
    vigie_report_free(report);
    vigie_scanner_free(elsewhere);
    vigie_scanner_free(room);

    /* A custom rule pack. */
    static const char pack[] =
        "pack = \"acme\"\n[[rule]]\nid = \"acme.interne\"\nname = \"ACME Interne\"\n"
        "level = 2\nforms = [{ text = \"ACME INTERNE\" }]\n";
    CHECK_OK(vigie_scanner_new_with_rules(NULL, 0, LIT(pack), &scanner));
    CHECK_OK(vigie_scan_text(scanner, LIT("ACME INTERNE\nBudget 2027"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    const vigie_finding *finding = NULL;
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_is(vigie_finding_get_rule(finding), "acme.interne"));
    vigie_report_free(report);
    vigie_scanner_free(scanner);

    /* Rules and policy together; an empty pack is no pack. */
    CHECK_OK(vigie_scanner_new_with_rules(LIT("ceiling = 2"), LIT(pack), &scanner));
    CHECK_OK(vigie_scan_text(scanner, LIT("ACME INTERNE"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_ALLOW);
    vigie_report_free(report);
    vigie_scanner_free(scanner);
    CHECK_OK(vigie_scanner_new_with_rules(NULL, 0, NULL, 0, &scanner));
    vigie_scanner_free(scanner);
}

static void test_invalid_configuration(void) {
    vigie_scanner *scanner = (vigie_scanner *)&scanner;
    CHECK(vigie_scanner_new(LIT("ceiling = \"high\""), &scanner) == VIGIE_RESULT_INVALID_POLICY);
    CHECK(scanner == NULL);
    CHECK(last_error_has("policy"));
    CHECK(vigie_scanner_new(LIT("no_such_key = 1"), &scanner) == VIGIE_RESULT_INVALID_POLICY);
    CHECK(last_error_has("no_such_key"));
    CHECK(vigie_scanner_new(LIT("ceiling = [unclosed"), &scanner) == VIGIE_RESULT_INVALID_POLICY);
    CHECK(vigie_last_error_line() == 1);
    CHECK(vigie_last_error_column() > 1);

    /* Policy and rule pack errors say where: line and column, from 1. */
    CHECK(vigie_scanner_new(LIT("ceiling = 2\n[kinds]\npii = \"blocky\"\n"), &scanner)
          == VIGIE_RESULT_INVALID_POLICY);
    CHECK(vigie_last_error_line() == 3);
    CHECK(vigie_last_error_column() == 7);
    CHECK(last_error_has("line 3, column 7"));
    /* An error with no position clears the last one's. */
    CHECK(vigie_scanner_new(NULL, 5, &scanner) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_last_error_line() == 0 && vigie_last_error_column() == 0);
    CHECK(vigie_scanner_new_with_rules(NULL, 0, LIT("pack = \"x\"\n\n[[rule]]\nid = 7\n"), &scanner)
          == VIGIE_RESULT_INVALID_RULES);
    CHECK(vigie_last_error_line() == 4);
    CHECK(vigie_last_error_column() == 6);
    /* Successful calls leave the last error alone, position included. */
    vigie_scanner *fine = NULL;
    CHECK_OK(vigie_scanner_new(LIT("ceiling = 2"), &fine));
    CHECK(vigie_last_error_line() == 4);
    vigie_scanner_free(fine);
    CHECK(vigie_scanner_new(LIT("ceiling = 2 # \xff\xfe"), &scanner) == VIGIE_RESULT_INVALID_UTF8);
    CHECK(last_error_has("policy_toml"));
    CHECK(vigie_scanner_new(NULL, 5, &scanner) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scanner_new(NULL, 0, NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_has("out"));
    CHECK(vigie_scanner_new("x", SIZE_MAX, &scanner) == VIGIE_RESULT_INVALID_ARGUMENT);

    static const char bad_pack[] = "pack = \"x\"\n[[rule]]\nid = \"Bad\"\nname = \"n\"\nforms = [{ text = \"A\" }]\n";
    CHECK(vigie_scanner_new_with_rules(NULL, 0, LIT(bad_pack), &scanner) == VIGIE_RESULT_INVALID_RULES);
    CHECK(scanner == NULL);
    CHECK(last_error_has("rule"));
    CHECK(vigie_scanner_new_with_rules(NULL, 0, LIT("pack = 3"), &scanner) == VIGIE_RESULT_INVALID_RULES);
    CHECK(vigie_scanner_new_with_rules(NULL, 0, "\xc3", 1, &scanner) == VIGIE_RESULT_INVALID_UTF8);
    CHECK(vigie_scanner_new_with_rules(NULL, 0, NULL, 1, &scanner) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scanner_new_with_rules(LIT("ceiling = 9"), NULL, 0, &scanner) == VIGIE_RESULT_INVALID_POLICY);
    CHECK(vigie_scanner_new_with_rules(NULL, 0, NULL, 0, NULL) == VIGIE_RESULT_NULL_ARGUMENT);

    vigie_scanner *base = default_scanner();
    CHECK(vigie_scanner_in_scope(NULL, LIT("room"), &scanner) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(scanner == NULL);
    CHECK(last_error_has("scanner"));
    CHECK(vigie_scanner_in_scope(base, NULL, 4, &scanner) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scanner_in_scope(base, "\xff", 1, &scanner) == VIGIE_RESULT_INVALID_UTF8);
    CHECK(vigie_scanner_in_scope(base, LIT("room"), NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    vigie_scanner_free(base);
}

static void test_invalid_scan_arguments(void) {
    vigie_scanner *scanner = default_scanner();
    vigie_report *report = (vigie_report *)&report;

    CHECK(vigie_scan_text(NULL, LIT("text"), &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(report == NULL);
    CHECK(vigie_scan_text(scanner, NULL, 3, &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_has("text"));
    CHECK(vigie_scan_text(scanner, LIT("text"), NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scan_text(scanner, "x", (size_t)PTRDIFF_MAX + 1, &report)
          == VIGIE_RESULT_INVALID_ARGUMENT);
    /* Invalid UTF-8: a Latin-1 "é", a truncated sequence, an overlong NUL. */
    CHECK(vigie_scan_text(scanner, LIT("DIFFUSION RESTREINTE \xe9t\xe9"), &report)
          == VIGIE_RESULT_INVALID_UTF8);
    CHECK(report == NULL);
    CHECK(last_error_has("offset 21"));
    CHECK(vigie_scan_text(scanner, LIT("abc\xe2\x82"), &report) == VIGIE_RESULT_INVALID_UTF8);
    CHECK(vigie_scan_text(scanner, LIT("\xc0\x80"), &report) == VIGIE_RESULT_INVALID_UTF8);
    /* ... which vigie_scan_bytes reads as Windows-1252. */
    CHECK_OK(vigie_scan_bytes(scanner, (const uint8_t *)"DIFFUSION RESTREINTE\n\xe9t\xe9", 24,
                              NULL, 0, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    vigie_report_free(report);

    CHECK(vigie_scan_bytes(NULL, (const uint8_t *)"x", 1, NULL, 0, &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scan_bytes(scanner, NULL, 1, NULL, 0, &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(last_error_has("data"));
    CHECK(vigie_scan_bytes(scanner, (const uint8_t *)"x", 1, NULL, 2, &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scan_bytes(scanner, (const uint8_t *)"x", 1, "\xff.txt", 5, &report)
          == VIGIE_RESULT_INVALID_UTF8);
    CHECK(last_error_has("name"));
    CHECK(vigie_scan_bytes(scanner, (const uint8_t *)"x", 1, NULL, 0, NULL) == VIGIE_RESULT_NULL_ARGUMENT);

    CHECK(vigie_scan_file(NULL, LIT("/etc/hostname"), &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scan_file(scanner, NULL, 4, &report) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_scan_file(scanner, LIT("/etc/hostname"), NULL) == VIGIE_RESULT_NULL_ARGUMENT);

    /* Accessors and free functions accept NULL. */
    CHECK(vigie_report_get_verdict(NULL) == VIGIE_VERDICT_BLOCK);
    CHECK(vigie_report_get_status(NULL) == VIGIE_STATUS_UNSCANNABLE);
    CHECK(str_is(vigie_report_get_source(NULL), ""));
    CHECK(vigie_report_get_finding_count(NULL) == 0);
    CHECK(vigie_report_get_problem_count(NULL) == 0);
    const vigie_finding *finding = (const vigie_finding *)&finding;
    CHECK(vigie_report_get_finding(NULL, 0, &finding) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(finding == NULL);
    CHECK(vigie_report_get_finding(NULL, 0, NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    const vigie_problem *problem = NULL;
    CHECK(vigie_report_get_problem(NULL, 0, &problem) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(vigie_report_get_problem(NULL, 0, NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    char *json = (char *)&json;
    CHECK(vigie_report_to_json(NULL, &json, NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(json == NULL);
    CHECK(vigie_report_to_json(NULL, NULL, NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    CHECK(str_is(vigie_finding_get_rule(NULL), ""));
    CHECK(vigie_finding_get_kind(NULL) == VIGIE_KIND_MARKING);
    CHECK(vigie_finding_get_level(NULL) == -1);
    CHECK(vigie_finding_get_confidence(NULL) == VIGIE_CONFIDENCE_LOW);
    CHECK(str_is(vigie_finding_get_reason(NULL), ""));
    CHECK(vigie_finding_get_start(NULL) == 0);
    CHECK(vigie_finding_get_end(NULL) == 0);
    CHECK(vigie_finding_get_page(NULL) == 0);
    CHECK(vigie_finding_get_part(NULL) == VIGIE_PART_BODY);
    CHECK(str_is(vigie_finding_get_path(NULL), ""));
    CHECK(str_is(vigie_finding_get_excerpt(NULL), ""));
    CHECK(vigie_problem_get_code(NULL) == VIGIE_PROBLEM_CODE_CORRUPT);
    CHECK(str_is(vigie_problem_get_message(NULL), ""));
    vigie_report_free(NULL);
    vigie_scanner_free(NULL);
    vigie_string_free(NULL);
    vigie_scanner_free(scanner);
}

static void test_files(void) {
    vigie_scanner *scanner = default_scanner();
    vigie_report *report = NULL;
    char path[4096];

    /* A marking on page 137 of a 200-page PDF. */
    int n = snprintf(path, sizeof path, "%s/documents/200-pages.pdf", fixtures);
    CHECK_OK(vigie_scan_file(scanner, path, (size_t)n, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    CHECK(str_is(vigie_report_get_source(report), path));
    const vigie_finding *finding = NULL;
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_is(vigie_finding_get_rule(finding), "fr.secret-defense"));
    CHECK(vigie_finding_get_page(finding) == 137);
    vigie_report_free(report);

    /* A marking in a Word header. */
    n = snprintf(path, sizeof path, "%s/documents/header-only.docx", fixtures);
    CHECK_OK(vigie_scan_file(scanner, path, (size_t)n, &report));
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(vigie_finding_get_part(finding) == VIGIE_PART_HEADER);
    vigie_report_free(report);

    /* A document inside a zip inside a zip: the path names each level. */
    n = snprintf(path, sizeof path, "%s/documents/dossier.zip", fixtures);
    CHECK_OK(vigie_scan_file(scanner, path, (size_t)n, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(str_has(vigie_finding_get_path(finding), "dossier.zip/annexes/pieces.zip/note.docx"));
    vigie_report_free(report);

    /* Content that cannot be read: problems, and the default policy blocks. */
    n = snprintf(path, sizeof path, "%s/documents/encrypted.zip", fixtures);
    CHECK_OK(vigie_scan_file(scanner, path, (size_t)n, &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    CHECK(vigie_report_get_status(report) == VIGIE_STATUS_UNSCANNABLE);
    CHECK(vigie_report_get_problem_count(report) >= 1);
    const vigie_problem *problem = NULL;
    CHECK_OK(vigie_report_get_problem(report, 0, &problem));
    CHECK(vigie_problem_get_code(problem) == VIGIE_PROBLEM_CODE_ENCRYPTED);
    CHECK(vigie_problem_get_message(problem).len > 0);
    CHECK(vigie_report_get_problem(report, vigie_report_get_problem_count(report), &problem)
          == VIGIE_RESULT_OUT_OF_RANGE);
    vigie_report_free(report);

    /* The same bytes from memory, named by the caller. */
    size_t len = 0;
    unsigned char *data = read_fixture("documents/truncated.pdf", &len);
    CHECK_OK(vigie_scan_bytes(scanner, data, len, LIT("upload.pdf"), &report));
    CHECK(vigie_report_get_status(report) == VIGIE_STATUS_UNSCANNABLE);
    CHECK(str_is(vigie_report_get_source(report), "upload.pdf"));
    CHECK_OK(vigie_report_get_problem(report, 0, &problem));
    CHECK(vigie_problem_get_code(problem) == VIGIE_PROBLEM_CODE_CORRUPT);
    vigie_report_free(report);
    free(data);

    data = read_fixture("documents/footer-only.docx", &len);
    /* The content decides, not the name. */
    CHECK_OK(vigie_scan_bytes(scanner, data, len, LIT("holiday-photo.jpg"), &report));
    CHECK(vigie_report_get_verdict(report) == VIGIE_VERDICT_BLOCK);
    CHECK_OK(vigie_report_get_finding(report, 0, &finding));
    CHECK(vigie_finding_get_part(finding) == VIGIE_PART_FOOTER);
    vigie_report_free(report);
    free(data);

    data = read_fixture("images/screenshot-clean.png", &len);
    CHECK_OK(vigie_scan_bytes(scanner, data, len, NULL, 0, &report));
    CHECK_OK(vigie_report_get_problem(report, 0, &problem));
    CHECK(vigie_problem_get_code(problem) == VIGIE_PROBLEM_CODE_OCR_UNAVAILABLE);
    vigie_report_free(report);
    free(data);

    /* Files that cannot be read are errors, with the path in the message. */
    report = (vigie_report *)&report;
    n = snprintf(path, sizeof path, "%s/no-such-file.pdf", fixtures);
    CHECK(vigie_scan_file(scanner, path, (size_t)n, &report) == VIGIE_RESULT_IO);
    CHECK(report == NULL);
    CHECK(last_error_has("no-such-file.pdf"));
    CHECK(vigie_scan_file(scanner, fixtures, strlen(fixtures), &report) == VIGIE_RESULT_IO);
    CHECK(vigie_scan_file(scanner, LIT(""), &report) == VIGIE_RESULT_IO);
    /* A path need not be UTF-8 (Unix paths are bytes); this one does not exist. */
    CHECK(vigie_scan_file(scanner, LIT("/nonexistent/\xff\xfe.pdf"), &report) == VIGIE_RESULT_IO);
    /* An interior NUL cannot name a file. */
    CHECK(vigie_scan_file(scanner, LIT("/etc/hostname\0.pdf"), &report) == VIGIE_RESULT_IO);
    vigie_scanner_free(scanner);
}

/* One scanner, many threads at once. */
#define THREADS 8
#define SCANS_PER_THREAD 150

struct worker {
    const vigie_scanner *scanner;
    int index;
    int wrong;
    char error[256];
};

static void *scan_many(void *arg) {
    struct worker *worker = arg;
    static const char *messages[] = {
        "Rendez-vous à 14 h, salle 3.",
        "DIFFUSION RESTREINTE\nCompte rendu de la réunion.",
        "Voici mon IBAN FR76 3000 6000 0112 3456 7890 189",
        "TLP:AMBER\nIndicateurs de compromission.",
    };
    static const vigie_verdict expected[] = {
        VIGIE_VERDICT_ALLOW, VIGIE_VERDICT_BLOCK, VIGIE_VERDICT_WARN, VIGIE_VERDICT_BLOCK,
    };
    for (int i = 0; i < SCANS_PER_THREAD; i++) {
        int which = (i + worker->index) % 4;
        vigie_report *report = NULL;
        vigie_result result = vigie_scan_text(worker->scanner, messages[which],
                                              strlen(messages[which]), &report);
        if (result != VIGIE_RESULT_OK || vigie_report_get_verdict(report) != expected[which]) {
            worker->wrong++;
        }
        vigie_report_free(report);
    }
    /* Errors are per thread: this thread's message is its own. */
    char name[32];
    int n = snprintf(name, sizeof name, "\xff thread %d", worker->index);
    vigie_scanner *scoped = NULL;
    vigie_scanner_in_scope(worker->scanner, name, (size_t)n, &scoped);
    snprintf(worker->error, sizeof worker->error, "%s", vigie_last_error());
    return NULL;
}

static void test_threads(void) {
    vigie_scanner *scanner = default_scanner();
    /* An error on the main thread, which the workers must not see. */
    CHECK(vigie_scan_text(scanner, NULL, 1, NULL) == VIGIE_RESULT_NULL_ARGUMENT);
    char main_error[256];
    snprintf(main_error, sizeof main_error, "%s", vigie_last_error());

    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.scanner = scanner, .index = i};
        CHECK(pthread_create(&threads[i], NULL, scan_many, &workers[i]) == 0);
    }
    int wrong = 0;
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        wrong += workers[i].wrong;
        CHECK(strstr(workers[i].error, "scope") != NULL);
        CHECK(strcmp(workers[i].error, main_error) != 0);
    }
    CHECK(wrong == 0);
    CHECK(strcmp(vigie_last_error(), main_error) == 0);
    vigie_scanner_free(scanner);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
        return 2;
    }
    fixtures = argv[1];
    /* Before any failing call, the last error is empty, with no position. */
    CHECK(strcmp(vigie_last_error(), "") == 0);
    CHECK(vigie_last_error_line() == 0 && vigie_last_error_column() == 0);

    test_version_and_names();
    test_marked_message();
    test_clean_and_empty_messages();
    test_sensitive_data_is_masked();
    test_policies_rules_and_scopes();
    test_invalid_configuration();
    test_invalid_scan_arguments();
    test_files();
    test_threads();

    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
