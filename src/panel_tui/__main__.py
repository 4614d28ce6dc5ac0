from panel_tui.cli import main

main()
