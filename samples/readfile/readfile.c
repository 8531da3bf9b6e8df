/* readfile: probes the sandbox. Tries /etc/passwd, then every "path=" item of
 * QUERY_STRING (percent-decoded), and prints "open <path>: ok|denied" for each,
 * followed by the file's first line when it opened. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %XX and '+' of [start, end) into a new NUL-terminated string. */
static char *decode(const char *start, const char *end) {
    char *out = malloc((size_t)(end - start) + 1);
    char *w = out;
    if (out == NULL) abort();
    for (const char *r = start; r < end; r++) {
        if (*r == '%' && end - r >= 3 && hex_value(r[1]) >= 0 && hex_value(r[2]) >= 0) {
            *w++ = (char)(hex_value(r[1]) * 16 + hex_value(r[2]));
            r += 2;
        } else {
            *w++ = *r == '+' ? ' ' : *r;
        }
    }
    *w = '\0';
    return out;
}

static void probe(const char *path) {
    char line[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("open %s: denied\n", path);
        return;
    }
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n < 0) n = 0;
    line[n] = '\0';
    line[strcspn(line, "\n")] = '\0';
    printf("open %s: ok\n%s\n", path, line);
}

int main(void) {
    fputs("Content-Type: text/plain\n\n", stdout);
    probe("/etc/passwd");
    const char *query = getenv("QUERY_STRING");
    while (query != NULL && *query != '\0') {
        const char *end = strchr(query, '&');
        if (end == NULL) end = query + strlen(query);
        if (strncmp(query, "path=", 5) == 0) {
            char *path = decode(query + 5, end);
            probe(path);
            free(path);
        }
        query = *end == '&' ? end + 1 : end;
    }
    return 0;
}
