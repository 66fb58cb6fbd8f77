/*
 * scan: scans files with libvigie and prints one verdict per file, with its
 * findings and problems.
 *
 *   cc -o scan scan.c $(pkg-config --cflags --libs vigie)
 *   ./scan [--policy POLICY.toml] FILE...
 *
 * Exit status, as `vigie scan`: 0 all allowed, 1 a warning, 2 something
 * blocked, 3 an error (bad policy, unreadable file, bad usage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigie.h>

/* Reads a whole (small) file, such as a policy; the caller frees it. */
static char *read_all(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return NULL;
    }
    size_t cap = 4096, used = 0;
    char *data = malloc(cap);
    size_t got;
    while (data != NULL && (got = fread(data + used, 1, cap - used, file)) > 0) {
        used += got;
        if (used == cap) {
            char *bigger = realloc(data, cap *= 2);
            if (bigger == NULL) {
                free(data);
                fclose(file);
                return NULL;
            }
            data = bigger;
        }
    }
    int failed = ferror(file);
    fclose(file);
    if (failed) {
        free(data);
        return NULL;
    }
    *len = used;
    return data;
}

static void print_report(const vigie_report *report) {
    vigie_str source = vigie_report_get_source(report);
    printf("%s: %s (%s)\n", source.data, vigie_verdict_str(vigie_report_get_verdict(report)),
           vigie_status_str(vigie_report_get_status(report)));

    size_t findings = vigie_report_get_finding_count(report);
    for (size_t i = 0; i < findings; i++) {
        const vigie_finding *finding = NULL;
        if (vigie_report_get_finding(report, i, &finding) != VIGIE_RESULT_OK) {
            continue;
        }
        printf("  %s  %s", vigie_finding_get_rule(finding).data,
               vigie_kind_str(vigie_finding_get_kind(finding)));
        int level = vigie_finding_get_level(finding);
        if (level >= 0) {
            printf(" level %d", level);
        }
        printf(", %s confidence, %s", vigie_confidence_str(vigie_finding_get_confidence(finding)),
               vigie_part_str(vigie_finding_get_part(finding)));
        unsigned page = vigie_finding_get_page(finding);
        if (page > 0) {
            printf(" page %u", page);
        }
        vigie_str path = vigie_finding_get_path(finding);
        if (path.len > 0 && strcmp(path.data, source.data) != 0) {
            printf(" in %s", path.data);
        }
        printf(", bytes %zu..%zu: \"%s\"\n", vigie_finding_get_start(finding),
               vigie_finding_get_end(finding), vigie_finding_get_excerpt(finding).data);
    }

    size_t problems = vigie_report_get_problem_count(report);
    for (size_t i = 0; i < problems; i++) {
        const vigie_problem *problem = NULL;
        if (vigie_report_get_problem(report, i, &problem) == VIGIE_RESULT_OK) {
            printf("  problem %s: %s\n", vigie_problem_code_str(vigie_problem_get_code(problem)),
                   vigie_problem_get_message(problem).data);
        }
    }
}

int main(int argc, char **argv) {
    const char *policy_path = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--policy") == 0) {
        policy_path = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [--policy POLICY.toml] FILE...\n", argv[0]);
        return 3;
    }

    char *policy = NULL;
    size_t policy_len = 0;
    if (policy_path != NULL && (policy = read_all(policy_path, &policy_len)) == NULL) {
        fprintf(stderr, "scan: cannot read %s\n", policy_path);
        return 3;
    }
    vigie_scanner *scanner = NULL;
    vigie_result result = vigie_scanner_new(policy, policy_len, &scanner);
    free(policy);
    if (result != VIGIE_RESULT_OK) {
        fprintf(stderr, "scan: %s: %s\n", vigie_result_str(result), vigie_last_error());
        return 3;
    }

    int status = 0;
    for (int i = first; i < argc; i++) {
        vigie_report *report = NULL;
        result = vigie_scan_file(scanner, argv[i], strlen(argv[i]), &report);
        if (result != VIGIE_RESULT_OK) {
            fprintf(stderr, "scan: %s\n", vigie_last_error());
            status = 3;
            continue;
        }
        print_report(report);
        int verdict = (int)vigie_report_get_verdict(report);
        if (status != 3 && verdict > status) {
            status = verdict; /* allow 0, warn 1, block 2 */
        }
        vigie_report_free(report);
    }
    vigie_scanner_free(scanner);
    return status;
}
