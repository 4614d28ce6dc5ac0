"""Modal dialogs, one per module, each a typed `ModalScreen[T]`."""
