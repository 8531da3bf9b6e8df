/* hugeoutput: valid headers, then 64 MiB of body in 64 KiB chunks, to test the
 * host's output cap. */
#include <string.h>
#include <unistd.h>

#define CHUNK 65536
#define TOTAL (64u * 1024u * 1024u)

static char chunk[CHUNK];

static int write_all(const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(STDOUT_FILENO, data, length);
        if (n <= 0) {
            return -1;
        }
        data += n;
        length -= (size_t)n;
    }
    return 0;
}

int main(void) {
    static const char header[] = "Content-Type: application/octet-stream\n\n";
    memset(chunk, 'x', sizeof chunk);
    if (write_all(header, sizeof header - 1) != 0) {
        return 1;
    }
    for (unsigned sent = 0; sent < TOTAL; sent += CHUNK) {
        if (write_all(chunk, CHUNK) != 0) {
            return 1;
        }
    }
    return 0;
}
