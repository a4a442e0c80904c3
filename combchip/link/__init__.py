"""Links and networks: HOM and Bell-state visibility, QKD key rates, and N-user network planning.

    comb lines + transmitter ─► visibility ─► MDI-QKD / SNS-TF-QKD rates (qkd) ─► network key-rate matrix
"""
