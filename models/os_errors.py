"""Why a file could not be read, in Vietnamese.

Python's OSError.strerror is the C library's English ("No such file or directory"); people
read Vietnamese, so the common errnos are said in Vietnamese and the rest get a Vietnamese
lead with the code.
"""

from __future__ import annotations

import errno

_OS_ERRORS = {
    errno.ENOENT: "không có tệp hay thư mục này",
    errno.EACCES: "không có quyền đọc",
    errno.EPERM: "không được phép",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.ELOOP: "đường dẫn có vòng liên kết",
    errno.EIO: "lỗi vào/ra của ổ đĩa",
    errno.ENOSPC: "ổ đĩa hết chỗ",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
}


def os_error(exc: OSError) -> str:
    """An OSError's reason in Vietnamese ("không có tệp hay thư mục này"), by its errno; an
    errno not listed is named by its code (EBADF), never by the system's English text."""
    number = exc.errno or 0
    return _OS_ERRORS.get(number) or f"lỗi hệ thống {errno.errorcode.get(number, number)}"
