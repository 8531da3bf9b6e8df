/* bigwrite: valid headers, then "out=N" (QUERY_STRING; default out=100): N MiB to stdout in one
 * write, or "err=N": N MiB to stderr in 1 MiB writes. Caps must hold whatever the write size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    const char *query = getenv("QUERY_STRING");
    int fd = STDOUT_FILENO;
    size_t mib = 100;
    if (query && strncmp(query, "err=", 4) == 0) {
        fd = STDERR_FILENO;
        mib = (size_t)atoi(query + 4);
    } else if (query && strncmp(query, "out=", 4) == 0) {
        mib = (size_t)atoi(query + 4);
    }
    fputs("Content-Type: text/plain\n\nok\n", stdout);
    fflush(stdout);
    size_t size = (fd == STDOUT_FILENO ? mib : 1) * 1024 * 1024;
    size_t rounds = fd == STDOUT_FILENO ? 1 : mib;
    char *data = malloc(size);
    if (data == NULL) {
        return 2;
    }
    memset(data, 'x', size);
    for (size_t round = 0; round < rounds; round++) {
        size_t sent = 0;
        while (sent < size) {
            ssize_t n = write(fd, data + sent, size - sent);
            if (n <= 0) {
                return 1;
            }
            sent += (size_t)n;
        }
    }
    return 0;
}
