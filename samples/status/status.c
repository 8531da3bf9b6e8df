/* status: echoes the request body; answers 500 when the body contains the bytes
 * "fail", else 200. Used to test retries of event batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_stdin(size_t *length) {
    size_t capacity = 65536;
    size_t used = 0;
    char *data = malloc(capacity);
    size_t n;
    while (data != NULL && (n = fread(data + used, 1, capacity - used, stdin)) > 0) {
        used += n;
        if (used == capacity) {
            capacity *= 2;
            data = realloc(data, capacity);
        }
    }
    if (data == NULL || ferror(stdin)) {
        abort();
    }
    *length = used;
    return data;
}

static int contains(const char *data, size_t length, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= length; i++) {
        if (memcmp(data + i, needle, k) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(void) {
    size_t length;
    char *body = read_stdin(&length);
    if (contains(body, length, "fail")) {
        fputs("Status: 500 Internal Server Error\n", stdout);
    } else {
        fputs("Status: 200 OK\n", stdout);
    }
    fputs("Content-Type: text/plain\n\n", stdout);
    fwrite(body, 1, length, stdout);
    return 0;
}
