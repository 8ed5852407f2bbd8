// HYPERVISOR_nmi_op (public/nmi.h) and the reasons in shared_info's arch.nmi_reason.
//
// Layouts are objects of byte offsets plus `size`.

export const _XEN_NMIREASON_io_error = 0; // nmi.h
export const XEN_NMIREASON_io_error = 1 << _XEN_NMIREASON_io_error; // nmi.h
export const _XEN_NMIREASON_pci_serr = 1; // nmi.h
export const XEN_NMIREASON_pci_serr = 1 << _XEN_NMIREASON_pci_serr; // nmi.h
export const _XEN_NMIREASON_unknown = 2; // nmi.h
export const XEN_NMIREASON_unknown = 1 << _XEN_NMIREASON_unknown; // nmi.h

export const XENNMI_register_callback = 0; // nmi.h
export const XENNMI_unregister_callback = 1; // nmi.h

/** struct xennmi_callback (nmi.h), x86_32. */
export const XENNMI_CALLBACK = { size: 8, handler_address: 0, pad: 4 } as const;
