/* hello: the smallest useful WAGI guest, and the demo shipped in portable_fn/demo/. */
#include <unistd.h>

static const char response[] = "Content-Type: text/plain\n\nhello\n";

int main(void) {
    const char *p = response;
    size_t left = sizeof response - 1;
    while (left > 0) {
        ssize_t n = write(STDOUT_FILENO, p, left);
        if (n <= 0) {
            return 1;
        }
        p += n;
        left -= (size_t)n;
    }
    return 0;
}
