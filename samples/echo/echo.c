/* echo: the contract checker. Prints the environment (sorted by byte order of
 * "NAME=VALUE"), argv, a blank line, then stdin verbatim. Every language's echo
 * must produce exactly these bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int compare_entries(const void *a, const void *b) {
    /* strcmp compares as unsigned char: byte order. */
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_environment(void) {
    size_t count = 0;
    while (environ != NULL && environ[count] != NULL) {
        count++;
    }
    const char **sorted = malloc((count + 1) * sizeof *sorted);
    if (sorted == NULL) {
        abort();
    }
    for (size_t i = 0; i < count; i++) {
        sorted[i] = environ[i];
    }
    qsort(sorted, count, sizeof *sorted, compare_entries);
    for (size_t i = 0; i < count; i++) {
        printf("env %s\n", sorted[i]);
    }
    free(sorted);
}

static void copy_stdin(void) {
    static char buffer[65536];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        if (fwrite(buffer, 1, n, stdout) != n) {
            abort();
        }
    }
    if (ferror(stdin)) {
        abort();
    }
}

int main(int argc, char **argv) {
    fputs("Content-Type: application/octet-stream\n\n", stdout);
    print_environment();
    for (int i = 0; i < argc; i++) {
        printf("arg %s\n", argv[i]);
    }
    putchar('\n');
    copy_stdin();
    return fflush(stdout) == 0 ? 0 : 1;
}
