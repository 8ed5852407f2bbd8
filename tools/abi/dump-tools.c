/* The memory_op sub-operations that the headers only show to the toolstack. Built as its own
 * translation unit with __XEN_TOOLS__, which changes nothing that dump.c prints. */
#include <stdint.h>
#include <stddef.h>
#include <xen/xen.h>
#include <xen/memory.h>
#include "emit.h"

#ifndef __XEN_TOOLS__
#error "build with -D__XEN_TOOLS__"
#endif

void dump_memory_tools_only(void)
{
    K(XENMEM_get_sharing_freed_pages);
    K(XENMEM_get_sharing_shared_pages);
    K(XENMEM_paging_op);
    K(XENMEM_access_op);
    K(XENMEM_sharing_op);
    K(XENMEM_claim_pages);
    K(XENMEM_reserved_device_memory_map);
}
