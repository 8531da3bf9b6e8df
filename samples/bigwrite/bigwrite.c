/* bigwrite: valid headers, then, as QUERY_STRING says:
 *   out=N   N MiB to stdout in ONE writev call (N iovecs over the same 1 MiB buffer)
 *   err=N   N MiB to stderr in 1 MiB writes
 * The guest needs only 1 MiB of memory however large N is: the host's caps must hold on
 * what the host keeps, whatever the size of a single write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define MAX_VECTORS 1024

static char block[MIB];
static struct iovec vectors[MAX_VECTORS];

int main(void) {
    const char *query = getenv("QUERY_STRING");
    int to_stderr = query && strncmp(query, "err=", 4) == 0;
    int mib = query && strlen(query) > 4 ? atoi(query + 4) : 100;
    memset(block, 'x', sizeof block);
    fputs("Content-Type: text/plain\n\nok\n", stdout);
    fflush(stdout);
    if (to_stderr) {
        for (int i = 0; i < mib; i++) {
            if (write(STDERR_FILENO, block, MIB) != MIB) {
                return 1;
            }
        }
        return 0;
    }
    if (mib < 1 || mib > MAX_VECTORS) {
        return 2;
    }
    for (int i = 0; i < mib; i++) {
        vectors[i].iov_base = block;
        vectors[i].iov_len = MIB;
    }
    return writev(STDOUT_FILENO, vectors, mib) == (ssize_t)mib * MIB ? 0 : 1;
}
